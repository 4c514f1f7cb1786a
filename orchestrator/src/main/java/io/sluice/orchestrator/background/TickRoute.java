package io.sluice.orchestrator.background;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.respondWithHeader;

import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.Mode;
import io.sluice.orchestrator.http.HttpApi;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/tick}: runs the due work of every enabled background service and answers what ran and when the
 * next work is due, so that an external cron knows when to call again. It needs {@code Authorization: Bearer
 * <sluice.serverless.tick-token>}, compared in constant time; a missing or wrong token answers 401 and nothing runs.
 * In standalone mode the services keep their own timers and the endpoint answers 409 (after the token check).
 */
public final class TickRoute {
  private static final Logger log = LoggerFactory.getLogger(TickRoute.class);
  private static final String PATH = "/v1/tick";

  private final BackgroundServices services;
  private final ObjectMapper mapper;
  private final byte[] tokenDigest;

  public TickRoute(BackgroundServices services, ObjectMapper mapper) {
    this.services = services;
    this.mapper = mapper;
    String token = services.settings().tickToken();
    this.tokenDigest = token.isEmpty() ? null : digest(token);
  }

  public Route route() {
    return path(PathMatchers.segment("v1").slash("tick"), () -> post(() ->
        optionalHeaderValueByName("Authorization", header -> {
          if (!authorized(header)) {
            return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"sluice-tick\""), () ->
                json(StatusCodes.UNAUTHORIZED, new HttpApi.ErrorBody(401,
                    "a tick needs Authorization: Bearer <sluice.serverless.tick-token>", PATH)));
          }
          if (services.settings().mode() != Mode.SERVERLESS) {
            return json(StatusCodes.CONFLICT, new HttpApi.ErrorBody(409,
                "the service runs in standalone mode: its background services keep their own timers", PATH));
          }
          return onComplete(services.tick(), result -> {
            if (result.isSuccess()) {
              return json(StatusCodes.OK, result.get());
            }
            Throwable failure = result.failed().get();
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            log.warn("tick failed: {}", cause.toString());
            return json(StatusCodes.SERVICE_UNAVAILABLE, new HttpApi.ErrorBody(503,
                "due work could not be run: " + cause.getMessage(), PATH));
          });
        })));
  }

  /** Constant time: both sides are hashed first, so neither the content nor the length of the token leaks. */
  private boolean authorized(Optional<String> header) {
    if (tokenDigest == null || header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(tokenDigest, digest(header.get().substring(7).strip()));
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private <T> Route json(StatusCode status, T body) {
    return complete(status, body, Jackson.marshaller(mapper));
  }
}
