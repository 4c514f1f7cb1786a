package io.sluice.orchestrator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.webhook.MessageRow;
import io.sluice.persistence.webhook.Publication;
import io.sluice.persistence.webhook.WebhookIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one way an event becomes webhook messages, for {@code POST /v1/events} and for the events Sluice produces
 * itself ({@link OperationalEvents}): the event type must be built in or one of the workspace's own; then, under one
 * permit and in one transaction, the type is checked, the message stored and one PENDING delivery written per enabled
 * endpoint whose filter matches ({@link io.sluice.persistence.webhook.Messages#publish}; publications that arrive together share one transaction,
 * see {@link PublicationGroups}); then each of those endpoints' entities is told
 * ({@link EndpointEntities#enqueue}), and the stage completes once every one has journaled it.
 *
 * <p>If an entity does not acknowledge, the stage fails but the rows stay: the entity finds the PENDING delivery when
 * it next starts ({@link DeliveryLedger#pending}), and a retry with the same idempotency key tells it again at once
 * (a repeated key re-enqueues the first message's still-PENDING deliveries; an entity ignores one it holds). Delivery
 * is at least once.
 */
public final class EventPublisher implements OperationalEvents {

  /**
   * What a publication answers (202).
   *
   * @param deliveries the endpoints the message was fanned out to
   * @param duplicate true when the idempotency key was used within the window: nothing new was stored
   */
  public record Published(String messageId, int deliveries, boolean duplicate) {}

  /** The event type is neither built in nor the workspace's own; nothing was stored. */
  public static final class UnknownEventTypeException extends IllegalArgumentException {
    UnknownEventTypeException(String eventType) {
      super("unknown event type " + eventType + ": it is neither built in nor registered by the workspace");
    }
  }

  private final PublicationGroups store;
  private final EndpointEntities entities;
  private final ObjectMapper mapper;
  private final WebhookSettings settings;
  private final WebhookIds ids;
  private final Clock clock;

  public EventPublisher(Database database, EndpointEntities entities, ObjectMapper mapper, WebhookSettings settings,
      WebhookIds ids, Clock clock) {
    this.store = new PublicationGroups(database, settings.publishParallelism(), settings.publishGroupSize());
    this.entities = entities;
    this.mapper = mapper;
    this.settings = settings;
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * Publishes an event whose type and payload the caller has validated as far as it can without the database.
   *
   * @param payloadJson the payload, compact JSON, at most {@code max-payload-bytes}
   * @param idempotencyKey null for none
   * @return fails with {@link UnknownEventTypeException} when the type is unknown
   */
  public CompletionStage<Published> publish(String workspaceId, String eventType, String payloadJson,
      String idempotencyKey) {
    // Milliseconds: what both databases store exactly, so the entity is told the createdAt it will read back.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    MessageRow message = new MessageRow(ids.messageId(), workspaceId, eventType, payloadJson, idempotencyKey, now);
    return store.publish(message, now.minus(settings.idempotencyWindow()))
        .thenCompose(stored -> {
          Publication publication = stored.orElseThrow(() -> new UnknownEventTypeException(eventType));
          CompletableFuture<?>[] enqueued = publication.toEnqueue().stream()
              .map(endpointId -> entities.enqueue(endpointId, publication.message().outbound()).toCompletableFuture())
              .toArray(CompletableFuture[]::new);
          return CompletableFuture.allOf(enqueued).thenApply(done ->
              new Published(publication.message().id(), publication.deliveries(), publication.duplicate()));
        });
  }

  /** An event of Sluice's own, through the same path; fails if the payload exceeds {@code max-payload-bytes}. */
  @Override
  public CompletionStage<String> publish(String workspaceId, String eventType, Map<String, Object> payload,
      String idempotencyKey) {
    String json;
    try {
      json = mapper.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("payload is not serializable as JSON", e));
    }
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > settings.maxPayloadBytes()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(eventType + " payload is " + size
          + " bytes, more than sluice.webhooks.max-payload-bytes " + settings.maxPayloadBytes()));
    }
    return publish(workspaceId, eventType, json, idempotencyKey).thenApply(Published::messageId);
  }
}
