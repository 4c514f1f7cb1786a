package io.sluice.orchestrator.webhook;

import io.sluice.orchestrator.http.JsonHttp;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.webhook.AttemptRow;
import io.sluice.persistence.webhook.Attempts;
import io.sluice.persistence.webhook.Deliveries;
import io.sluice.persistence.webhook.DeliveryRow;
import io.sluice.persistence.webhook.EndpointStats;
import io.sluice.persistence.webhook.Endpoints;
import io.sluice.persistence.webhook.MessageRow;
import io.sluice.persistence.webhook.Messages;
import io.sluice.persistence.webhook.WebhookIds;
import io.sluice.protocols.webhook.DeliveryState;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The operations API, every read one unit of work that also checks the workspace owns what is asked for (404
 * otherwise, never a sign that it exists):
 *
 * <ul>
 *   <li>{@code GET /v1/webhooks/endpoints/{id}/deliveries?state=&cursor=&limit=}: newest first.
 *   <li>{@code GET /v1/webhooks/messages/{msgId}}: the message (payload as JSON) and its deliveries.
 *   <li>{@code GET /v1/webhooks/endpoints/{id}/messages/{msgId}/attempts?cursor=&limit=}: in attempt order.
 *   <li>{@code GET /v1/webhooks/dead-letters?endpointId=&cursor=&limit=}: DEAD deliveries, newest first.
 *   <li>{@code POST /v1/webhooks/endpoints/{id}/messages/{msgId}/replay} and {@code POST .../{id}/replay
 *       {"since": instant}} (every DEAD delivery of a message published since, up to
 *       {@code max-pending-per-endpoint}): 202 once the entity has journaled the replay. The routes write nothing:
 *       a replayed delivery stays DEAD in the table until the entity records its next attempt, which moves it.
 *   <li>{@code GET /v1/webhooks/endpoints/{id}/stats?window=PT24H} (at most {@link #MAX_STATS_WINDOW}), see
 *       {@link EndpointStats}.
 * </ul>
 */
final class OperationsRoutes {
  static final Duration DEFAULT_STATS_WINDOW = Duration.ofHours(24);
  static final Duration MAX_STATS_WINDOW = Duration.ofDays(31);

  public record DeliveryPage(List<DeliveryRow> deliveries, String nextCursor) {}

  public record AttemptPage(List<AttemptRow> attempts, String nextCursor) {}

  /** A message with its payload as JSON and its deliveries. */
  public record MessageView(String id, String eventType, JsonNode payload, String idempotencyKey, Instant createdAt,
      List<DeliveryRow> deliveries) {}

  /** How many deliveries of the endpoint were handed to its entity for a new series of attempts. */
  public record Replayed(String endpointId, int replayed) {}

  private final Database database;
  private final EndpointEntities entities;
  private final WebhookSettings settings;
  private final JsonHttp http;
  private final Clock clock;

  OperationsRoutes(Database database, EndpointEntities entities, WebhookSettings settings, JsonHttp http,
      Clock clock) {
    this.database = database;
    this.entities = entities;
    this.settings = settings;
    this.http = http;
    this.clock = clock;
  }

  /** For inside {@code /v1/webhooks}. */
  Route routes(String workspaceId) {
    return concat(
        path(PathMatchers.segment("messages").slash(PathMatchers.segment()), messageId -> get(() ->
            onSuccess(message(workspaceId, messageId), view -> http.json(StatusCodes.OK, view)))),
        path("dead-letters", () -> get(() -> deadLetters(workspaceId))),
        pathPrefix(PathMatchers.segment("endpoints").slash(PathMatchers.segment()), endpointId -> concat(
            path("deliveries", () -> get(() -> deliveries(workspaceId, endpointId))),
            path(PathMatchers.segment("messages").slash(PathMatchers.segment()).slash("attempts"), messageId ->
                get(() -> attempts(workspaceId, endpointId, messageId))),
            path(PathMatchers.segment("messages").slash(PathMatchers.segment()).slash("replay"), messageId ->
                post(() -> onSuccess(replayOne(workspaceId, endpointId, messageId), replayed ->
                    http.json(StatusCodes.ACCEPTED, replayed)))),
            path("replay", () -> post(() -> http.jsonBody(body -> onSuccess(
                replaySince(workspaceId, endpointId, since(body)), replayed ->
                    http.json(StatusCodes.ACCEPTED, replayed))))),
            path("stats", () -> get(() -> parameterOptional("window", window -> onSuccess(
                owned(workspaceId, endpointId, "endpoint-stats",
                    EndpointStats.of(endpointId, clock.instant().minus(window(window)))), stats ->
                    http.json(StatusCodes.OK, stats))))))));
  }

  private Route deliveries(String workspaceId, String endpointId) {
    return parameterOptional("state", state -> parameterOptional("cursor", cursor ->
        parameterOptional("limit", limit -> {
          Optional<DeliveryState> byState = state.map(OperationsRoutes::state);
          int size = JsonHttp.limit(limit);
          String before = JsonHttp.cursor(cursor, id -> WebhookIds.isId(WebhookIds.MESSAGE_PREFIX, id));
          return onSuccess(owned(workspaceId, endpointId, "list-deliveries",
              Deliveries.ofEndpoint(endpointId, byState, before, size)), rows ->
              http.json(StatusCodes.OK, new DeliveryPage(rows,
                  rows.size() < size ? null : rows.get(rows.size() - 1).messageId())));
        })));
  }

  private Route attempts(String workspaceId, String endpointId, String messageId) {
    return parameterOptional("cursor", cursor -> parameterOptional("limit", limit -> {
      int size = JsonHttp.limit(limit);
      int after = cursor.map(OperationsRoutes::attemptCursor).orElse(0);
      CompletionStage<List<AttemptRow>> page = delivered(workspaceId, endpointId, messageId, "list-attempts",
          Attempts.of(endpointId, messageId, after, size));
      return onSuccess(page, rows -> http.json(StatusCodes.OK, new AttemptPage(rows,
          rows.size() < size ? null : Integer.toString(rows.get(rows.size() - 1).attemptNumber()))));
    }));
  }

  private Route deadLetters(String workspaceId) {
    return parameterOptional("endpointId", endpointId -> parameterOptional("cursor", cursor ->
        parameterOptional("limit", limit -> {
          int size = JsonHttp.limit(limit);
          Deliveries.DeadLetterCursor after = cursor.map(OperationsRoutes::deadLetterCursor).orElse(null);
          if (endpointId.isPresent() && !WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, endpointId.get())) {
            throw ApiProblem.notFound("no such endpoint");
          }
          CompletionStage<List<DeliveryRow>> rows = endpointId.isPresent()
              ? owned(workspaceId, endpointId.get(), "list-dead-letters",
                  Deliveries.deadLetters(workspaceId, endpointId, after, size))
              : database.withConnection(null, "workspace-" + workspaceId, "list-dead-letters",
                  Deliveries.deadLetters(workspaceId, Optional.empty(), after, size));
          return onSuccess(rows, page -> http.json(StatusCodes.OK, new DeliveryPage(page, page.size() < size ? null
              : page.get(page.size() - 1).messageId() + "." + page.get(page.size() - 1).endpointId())));
        })));
  }

  private CompletionStage<MessageView> message(String workspaceId, String messageId) {
    if (!WebhookIds.isId(WebhookIds.MESSAGE_PREFIX, messageId)) {
      return CompletableFuture.failedFuture(ApiProblem.notFound("no such message"));
    }
    return database.withConnection(null, "workspace-" + workspaceId, "read-message",
            Messages.withDeliveries(workspaceId, messageId))
        .thenApply(found -> view(JsonHttp.found(found, "message")));
  }

  private CompletionStage<Replayed> replayOne(String workspaceId, String endpointId, String messageId) {
    return delivered(workspaceId, endpointId, messageId, "find-delivery", Deliveries.find(endpointId, messageId))
        .thenCompose(found -> JsonHttp.acknowledged(entities.replay(endpointId, List.of(messageId)),
            "the endpoint's delivery entity"))
        .thenApply(done -> new Replayed(endpointId, 1));
  }

  private CompletionStage<Replayed> replaySince(String workspaceId, String endpointId, Instant since) {
    return owned(workspaceId, endpointId, "find-dead-since",
            Deliveries.deadSince(endpointId, since, settings.maxPendingPerEndpoint()))
        .thenCompose(ids -> ids.isEmpty() ? CompletableFuture.completedFuture(new Replayed(endpointId, 0))
            : JsonHttp.acknowledged(entities.replay(endpointId, ids), "the endpoint's delivery entity")
                .thenApply(done -> new Replayed(endpointId, ids.size())));
  }

  /** Runs {@code work} if the workspace owns the endpoint, in the same unit of work; 404 otherwise. */
  private <T> CompletionStage<T> owned(String workspaceId, String endpointId, String purpose, JdbcWork<T> work) {
    if (!WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, endpointId)) {
      return CompletableFuture.failedFuture(ApiProblem.notFound("no such endpoint"));
    }
    return database.withConnection(null, "workspace-" + workspaceId, purpose,
            Endpoints.ifOwned(workspaceId, endpointId, work))
        .thenApply(result -> JsonHttp.found(result, "endpoint"));
  }

  /** Runs {@code work} if the workspace's endpoint has a delivery of the message; 404 otherwise. */
  private <T> CompletionStage<T> delivered(String workspaceId, String endpointId, String messageId, String purpose,
      JdbcWork<T> work) {
    if (!WebhookIds.isId(WebhookIds.MESSAGE_PREFIX, messageId)) {
      return CompletableFuture.failedFuture(ApiProblem.notFound("no such message at this endpoint"));
    }
    return owned(workspaceId, endpointId, purpose, Deliveries.ifPresent(endpointId, messageId, work))
        .thenApply(result -> JsonHttp.found(result, "message at this endpoint"));
  }

  private MessageView view(Messages.MessageDeliveries found) {
    MessageRow message = found.message();
    try {
      return new MessageView(message.id(), message.eventType(), http.mapper().readTree(message.payload()),
          message.idempotencyKey(), message.createdAt(), found.deliveries());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored payload of " + message.id() + " is not JSON", e);
    }
  }

  private static Instant since(JsonNode body) {
    JsonNode since = body.path("since");
    if (!since.isTextual()) {
      throw JsonHttp.invalid("since", since.isMissingNode() ? "is required (an ISO-8601 instant)"
          : "must be an ISO-8601 instant such as 2026-03-02T14:00:00Z");
    }
    try {
      return Instant.parse(since.textValue());
    } catch (DateTimeException e) {
      throw JsonHttp.invalid("since", "'" + since.textValue() + "' is not an ISO-8601 instant such as"
          + " 2026-03-02T14:00:00Z");
    }
  }

  private static DeliveryState state(String value) {
    try {
      return DeliveryState.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw JsonHttp.invalid("state", "must be pending, delivered or dead");
    }
  }

  private static Duration window(Optional<String> value) {
    if (value.isEmpty()) {
      return DEFAULT_STATS_WINDOW;
    }
    try {
      Duration window = Duration.parse(value.get());
      if (!window.isNegative() && !window.isZero() && window.compareTo(MAX_STATS_WINDOW) <= 0) {
        return window;
      }
    } catch (DateTimeException e) {
      // answered below
    }
    throw JsonHttp.invalid("window", "must be an ISO-8601 duration from PT1S to " + MAX_STATS_WINDOW
        + " such as PT24H");
  }

  private static int attemptCursor(String value) {
    try {
      int after = Integer.parseInt(value);
      if (after >= 0) {
        return after;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw JsonHttp.invalid("cursor", "is not a cursor this listing gave out (use nextCursor of the previous page)");
  }

  private static Deliveries.DeadLetterCursor deadLetterCursor(String value) {
    int dot = value.indexOf('.');
    if (dot > 0 && WebhookIds.isId(WebhookIds.MESSAGE_PREFIX, value.substring(0, dot))
        && WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, value.substring(dot + 1))) {
      return new Deliveries.DeadLetterCursor(value.substring(0, dot), value.substring(dot + 1));
    }
    throw JsonHttp.invalid("cursor", "is not a cursor this listing gave out (use nextCursor of the previous page)");
  }
}
