package io.sluice.orchestrator.webhook;

import io.sluice.orchestrator.http.JsonHttp;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.campaign.FieldError;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.persistence.webhook.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Event types and publishing:
 *
 * <ul>
 *   <li>{@code POST /v1/webhooks/event-types {"name", "description"?}}: a custom type (201; 409 when the workspace
 *       has it or it is built in); {@code GET}: the built-in types, then the workspace's own, by name.
 *   <li>{@code POST /v1/events {"eventType", "payload", "idempotencyKey"?}} (or the key in an {@code Idempotency-Key}
 *       header): 202 {@code {messageId, deliveries, duplicate}} through {@link EventPublisher}. The payload is any JSON
 *       value; it is stored compact, and beyond {@code max-payload-bytes} in that form the answer is 413 naming
 *       {@code payload} (a body beyond that plus {@link #ENVELOPE_BYTES} is refused before it is parsed).
 * </ul>
 */
final class EventRoutes {
  /** Room in a publication's body for everything but the payload (type, key, whitespace). */
  static final int ENVELOPE_BYTES = 16 * 1024;
  static final int MAX_KEY_LENGTH = 200;
  private static final Set<String> EVENT_FIELDS = Set.of("eventType", "payload", "idempotencyKey");

  /** A type as {@code GET /v1/webhooks/event-types} lists it; built-in ones have no description or time. */
  public record EventTypeView(String name, String description, boolean builtIn, Instant createdAt) {}

  public record EventTypeList(List<EventTypeView> eventTypes) {}

  private final Database database;
  private final EventPublisher publisher;
  private final WebhookSettings settings;
  private final JsonHttp http;
  private final Clock clock;

  EventRoutes(Database database, EventPublisher publisher, WebhookSettings settings, JsonHttp http, Clock clock) {
    this.database = database;
    this.publisher = publisher;
    this.settings = settings;
    this.http = http;
    this.clock = clock;
  }

  /** {@code webhooks/event-types}, for inside {@code /v1/webhooks}. */
  Route eventTypes(String workspaceId) {
    String owner = "workspace-" + workspaceId;
    return path("event-types", () -> concat(
        post(() -> http.jsonBody(body -> onSuccess(createType(workspaceId, body), created ->
            http.json(StatusCodes.CREATED, created)))),
        get(() -> onSuccess(database.withConnection(null, owner, "list-event-types", EventTypes.custom(workspaceId)),
            custom -> {
              List<EventTypeView> types = new ArrayList<>();
              EventTypes.BUILT_IN.stream().sorted().forEach(name -> types.add(new EventTypeView(name, null, true,
                  null)));
              custom.stream().sorted(Comparator.comparing(EventTypes.EventType::name)).forEach(type ->
                  types.add(new EventTypeView(type.name(), type.description(), false, type.createdAt())));
              return http.json(StatusCodes.OK, new EventTypeList(types));
            }))));
  }

  /** {@code events}, for inside {@code /v1}. */
  Route events(String workspaceId) {
    return path("events", () -> post(() -> optionalHeaderValueByName("Idempotency-Key", header ->
        http.jsonBody(settings.maxPayloadBytes() + ENVELOPE_BYTES, "payload", body ->
            onSuccess(publish(workspaceId, body, header), published ->
                http.json(StatusCodes.ACCEPTED, published))))));
  }

  private CompletionStage<EventTypeView> createType(String workspaceId, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode name = body.path("name");
    if (!name.isTextual() || !EndpointRequests.isEventTypeName(name.textValue())) {
      errors.add(JsonHttp.error("name", "must be dot-separated lower-case words such as invoice.paid (letters,"
          + " digits, _; at most " + EventTypes.MAX_NAME_LENGTH + " characters)"));
    } else if (EventTypes.BUILT_IN.contains(name.textValue())) {
      throw ApiProblem.conflict("event type " + name.textValue() + " is built in");
    }
    String description = body.has("description")
        ? EndpointRequests.text(body.get("description"), "description", EndpointRequests.MAX_DESCRIPTION_LENGTH,
            errors) : null;
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("invalid event type", errors);
    }
    Instant now = clock.instant();
    return database.withConnection(null, "workspace-" + workspaceId, "create-event-type",
        EventTypes.create(workspaceId, name.textValue(), description, now)).thenApply(created -> {
          if (!created) {
            throw ApiProblem.conflict("event type " + name.textValue() + " already exists");
          }
          return new EventTypeView(name.textValue(), description, false, now);
        });
  }

  private CompletionStage<EventPublisher.Published> publish(String workspaceId, JsonNode body,
      Optional<String> header) {
    List<FieldError> errors = new ArrayList<>();
    body.fieldNames().forEachRemaining(field -> {
      if (!EVENT_FIELDS.contains(field)) {
        errors.add(JsonHttp.error(field, "is not a field of an event; fields are eventType, payload,"
            + " idempotencyKey"));
      }
    });
    JsonNode type = body.path("eventType");
    if (!type.isTextual() || !EndpointRequests.isEventTypeName(type.textValue())) {
      errors.add(JsonHttp.error("eventType", type.isMissingNode() ? "is required"
          : "must be an event type name such as campaign.completed"));
    }
    if (!body.has("payload")) {
      errors.add(JsonHttp.error("payload", "is required (any JSON value)"));
    }
    String key = idempotencyKey(body, header, errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("invalid event", errors);
    }
    String payload = compact(body.get("payload"));
    int size = payload.getBytes(StandardCharsets.UTF_8).length;
    if (size > settings.maxPayloadBytes()) {
      throw ApiProblem.tooLarge("the payload is too large", List.of(JsonHttp.error("payload", "is " + size
          + " bytes (compact JSON), more than the limit of " + settings.maxPayloadBytes())));
    }
    return publisher.publish(workspaceId, type.textValue(), payload, key).exceptionally(failure -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof EventPublisher.UnknownEventTypeException unknown) {
        throw ApiProblem.invalid("unknown event type", List.of(JsonHttp.error("eventType",
            unknown.getMessage() + " (POST /v1/webhooks/event-types)")));
      }
      throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    });
  }

  /** The body's key or the header's (they must agree when both are given); null when neither is. */
  private static String idempotencyKey(JsonNode body, Optional<String> header, List<FieldError> errors) {
    String key = null;
    if (body.has("idempotencyKey") && !body.get("idempotencyKey").isNull()) {
      JsonNode value = body.get("idempotencyKey");
      if (!value.isTextual()) {
        errors.add(JsonHttp.error("idempotencyKey", "must be a string"));
        return null;
      }
      key = value.textValue();
    }
    if (header.isPresent()) {
      if (key != null && !key.equals(header.get())) {
        errors.add(JsonHttp.error("idempotencyKey", "differs from the Idempotency-Key header"));
        return null;
      }
      key = header.get();
    }
    if (key != null && (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 32
        && c < 127))) {
      errors.add(JsonHttp.error("idempotencyKey", "must be 1 to " + MAX_KEY_LENGTH
          + " printable ASCII characters without spaces"));
      return null;
    }
    return key;
  }

  private String compact(JsonNode payload) {
    try {
      return http.mapper().writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw ApiProblem.invalid("invalid payload", List.of(JsonHttp.error("payload", e.getOriginalMessage())));
    }
  }
}
