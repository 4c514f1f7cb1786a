package io.sluice.orchestrator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.webhook.MessageRow;
import io.sluice.protocols.webhook.OutboundMessage;
import io.sluice.persistence.webhook.Publication;
import io.sluice.persistence.webhook.WebhookIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way an event becomes webhook messages, for {@code POST /v1/events} and for the events Sluice produces
 * itself ({@link OperationalEvents}): the event type must be built in or one of the workspace's own; then, under one
 * permit and in one transaction, the type is checked, the message stored and one PENDING delivery written per enabled
 * endpoint whose filter matches ({@link io.sluice.persistence.webhook.Messages#publish}; publications that arrive
 * together share one transaction, see {@link PublicationGroups}). The stage completes once that transaction has
 * committed: the deliveries are durable then, whatever happens to the entities.
 *
 * <p>Each of those endpoints' entities is then told in the background ({@link EndpointEntities#enqueue}), with the
 * payload, so that the first attempt needs no read. An enqueue that is not acknowledged (a time-out, a refusal) is
 * followed by a {@link EndpointEntities#resync}: the entity reads its PENDING deliveries again and queues the ones it
 * does not hold, so the delivery is not forgotten while the service runs; after a crash the entity's start-up read of
 * its pending deliveries finds it ({@link WebhookService#resume} wakes every endpoint with one). A repeated
 * idempotency key tells the entities of the first message's still-PENDING deliveries again (an entity ignores a
 * message it holds). Delivery is at least once.
 */
public final class EventPublisher implements OperationalEvents {
  private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

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
        .thenApply(stored -> {
          Publication publication = stored.orElseThrow(() -> new UnknownEventTypeException(eventType));
          publication.toEnqueue().forEach(endpointId -> enqueue(endpointId, publication.message().outbound()));
          return new Published(publication.message().id(), publication.deliveries(), publication.duplicate());
        });
  }

  /** Tells the entity in the background; if it does not acknowledge, has it read its pending deliveries again. */
  private void enqueue(String endpointId, OutboundMessage message) {
    entities.enqueue(endpointId, message).whenComplete((done, failure) -> {
      if (failure != null) {
        log.warn("endpoint {}: enqueue of message {} not acknowledged, the entity re-reads its pending deliveries: {}",
            endpointId, message.messageId(), failure.toString());
        entities.resync(endpointId);
      }
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
