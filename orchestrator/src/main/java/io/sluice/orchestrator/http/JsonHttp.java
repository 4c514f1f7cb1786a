package io.sluice.orchestrator.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.onSuccess;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamException;
import akka.http.scaladsl.model.EntityStreamSizeException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.campaign.FieldError;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the JSON APIs (webhooks, schedules) share: JSON in (a body read whole up to a byte limit, 413 beyond it; malformed JSON a 400
 * naming {@code body}) and out (the project's mapper), and the paging parameters ({@code limit}, {@code cursor}),
 * each refused with a 400 naming it.
 */
public final class JsonHttp {
  /** The largest body of a request other than a publication (an endpoint, an event type, a replay). */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 500;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;

  public JsonHttp(ActorSystem<?> system, ObjectMapper mapper) {
    this.system = system;
    this.mapper = mapper;
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  public <T> Route json(StatusCode status, T body) {
    return complete(status, body, Jackson.marshaller(mapper));
  }

  /** The body as JSON, at most {@code maxBytes} (413 naming {@code tooLargeField} beyond it). */
  public Route jsonBody(int maxBytes, String tooLargeField, Function<JsonNode, Route> inner) {
    ApiProblem tooLarge = ApiProblem.tooLarge("the request body is larger than " + maxBytes + " bytes",
        List.of(error(tooLargeField, "the request is larger than " + maxBytes + " bytes")));
    return extractRequestEntity(entity -> {
      if (entity.getContentLengthOption().orElse(0) > maxBytes) {
        throw tooLarge;
      }
      // A body without a declared length (chunked) is cut off while it streams in.
      return onSuccess(entity.toStrict(READ_TIMEOUT.toMillis(), maxBytes, system).handle((strict, failure) -> {
        if (failure == null) {
          return strict.getData().utf8String();
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (cause instanceof EntityStreamSizeException || (cause instanceof EntityStreamException stream
            && stream.info().summary().contains("too large"))) {
          throw tooLarge;
        }
        throw new CompletionException(cause);
      }), text -> inner.apply(parse(text)));
    });
  }

  /** The body as JSON, at most {@link #MAX_BODY_BYTES}. */
  public Route jsonBody(Function<JsonNode, Route> inner) {
    return jsonBody(MAX_BODY_BYTES, "body", inner);
  }

  private JsonNode parse(String text) {
    if (text.isBlank()) {
      throw ApiProblem.invalid("the request needs a JSON body", List.of(error("body", "is empty")));
    }
    try {
      JsonNode node = mapper.readTree(text);
      if (!node.isObject()) {
        throw ApiProblem.invalid("the body must be a JSON object", List.of(error("body", "is not a JSON object")));
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiProblem.invalid("malformed JSON", List.of(error("body", e.getOriginalMessage())));
    }
  }

  /** {@code ?limit=}, 1 to {@link #MAX_PAGE}, {@link #DEFAULT_PAGE} when absent. */
  public static int limit(Optional<String> value) {
    if (value.isEmpty()) {
      return DEFAULT_PAGE;
    }
    try {
      int limit = Integer.parseInt(value.get());
      if (limit >= 1 && limit <= MAX_PAGE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below, like an out-of-range number
    }
    throw invalid("limit", "must be a whole number from 1 to " + MAX_PAGE);
  }

  /** {@code ?cursor=}: null when absent, else it must pass {@code shape} (it is the last id of the previous page). */
  public static String cursor(Optional<String> value, Predicate<String> shape) {
    if (value.isEmpty()) {
      return null;
    }
    if (!shape.test(value.get())) {
      throw invalid("cursor", "is not a cursor this listing gave out (use nextCursor of the previous page)");
    }
    return value.get();
  }

  /** A missing resource, or one of another workspace: the same words either way. */
  public static <T> T found(Optional<T> value, String what) {
    return value.orElseThrow(() -> ApiProblem.notFound("no such " + what));
  }

  public static FieldError error(String field, String message) {
    return new FieldError(field, null, message);
  }

  public static ApiProblem invalid(String field, String message) {
    return ApiProblem.invalid("invalid " + field, List.of(error(field, message)));
  }

  /** Awaits an entity's acknowledgement; a failure (timeout, shard not reachable) is a 503 the client may retry. */
  public static <T> CompletionStage<T> acknowledged(CompletionStage<T> stage, String what) {
    return stage.exceptionally(failure -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof ApiProblem problem) {
        throw problem;
      }
      throw ApiProblem.unavailable(what + " was not acknowledged in time (" + cause.getClass().getSimpleName()
          + "); retry the request");
    });
  }
}
