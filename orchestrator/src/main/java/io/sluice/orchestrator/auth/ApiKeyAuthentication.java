package io.sluice.orchestrator.auth;

import static akka.http.javadsl.server.Directives.extractCredentials;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.respondWithHeader;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.HttpCredentials;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.Route;
import io.sluice.config.ApiKeySettings;
import io.sluice.protocols.workspace.WorkspaceId;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways into the API's protected routes, as directives that answer by themselves when they refuse:
 * {@link #authenticated} for workspace API keys and {@link #admin} for the configured admin key, both read from
 * {@code Authorization: Bearer <token>}.
 *
 * <p>Refusals complete the request (they do not reject it): a 401 with {@code WWW-Authenticate: Bearer realm="sluice"}
 * and a JSON body, or 503 when the key could not be checked because the database did not answer. So mount routes that
 * authenticate differently (health, metrics, the provider's signed webhook, the admin routes) before an
 * {@code authenticated} block in a {@code concat}: nothing after such a block is reached.
 */
public final class ApiKeyAuthentication {
  static final String REALM = "sluice";
  static final String INVALID_KEY = "missing or invalid API key";
  static final String INVALID_ADMIN_KEY = "missing or invalid admin key";
  static final String ADMIN_DISABLED = "the admin API is disabled: set sluice.http.admin-key (SLUICE_ADMIN_KEY)";
  private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthentication.class);

  private final ApiKeyVerifier verifier;
  private final JsonResponses responses;
  /** SHA-256 of the admin key, or null when the admin API is disabled: compared as digests, in constant time. */
  private final byte[] adminKeyHash;

  ApiKeyAuthentication(ApiKeyVerifier verifier, ApiKeySettings settings, JsonResponses responses) {
    this.verifier = verifier;
    this.responses = responses;
    this.adminKeyHash = settings.adminEnabled() ? ApiKeyFormat.sha256(settings.adminKey()) : null;
  }

  /**
   * Runs {@code inner} with the workspace of the request's API key; answers 401
   * {@code {"status":401,"error":"missing or invalid API key"}} if the key is missing, malformed, unknown, revoked or
   * wrong, and 503 if it could not be checked.
   */
  public Route authenticated(Function<WorkspaceId, Route> inner) {
    return extractCredentials(credentials -> {
      Optional<String> token = bearerToken(credentials);
      if (token.isEmpty()) {
        return unauthorized(INVALID_KEY);
      }
      return onComplete(verifier.verify(token.get()), verified -> {
        if (verified.isFailure()) {
          log.warn("API key could not be verified: {}", WorkspaceAdmin.unwrap(verified.failed().get()).toString());
          return responses.error(StatusCodes.SERVICE_UNAVAILABLE, "the API key could not be checked; try again");
        }
        return verified.get().map(inner).orElseGet(() -> unauthorized(INVALID_KEY));
      });
    });
  }

  /**
   * Runs {@code inner} if the request carries the admin key ({@code sluice.http.admin-key}); answers 401 if it does
   * not, and 403 for every request while the admin key is not configured (the admin API is then disabled).
   */
  public Route admin(Supplier<Route> inner) {
    if (adminKeyHash == null) {
      return responses.error(StatusCodes.FORBIDDEN, ADMIN_DISABLED);
    }
    return extractCredentials(credentials -> bearerToken(credentials)
        .filter(token -> MessageDigest.isEqual(ApiKeyFormat.sha256(token), adminKeyHash))
        .map(token -> inner.get())
        .orElseGet(() -> {
          log.debug("admin request refused: missing or wrong admin key");
          return unauthorized(INVALID_ADMIN_KEY);
        }));
  }

  private Route unauthorized(String error) {
    return respondWithHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2(REALM)),
        () -> responses.error(StatusCodes.UNAUTHORIZED, error));
  }

  private static Optional<String> bearerToken(Optional<HttpCredentials> credentials) {
    return credentials.filter(c -> "bearer".equalsIgnoreCase(c.scheme())).map(HttpCredentials::token)
        .filter(token -> !token.isEmpty());
  }
}
