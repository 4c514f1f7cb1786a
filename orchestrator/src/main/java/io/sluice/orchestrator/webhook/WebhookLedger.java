package io.sluice.orchestrator.webhook;

import akka.Done;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.webhook.AttemptRow;
import io.sluice.persistence.webhook.Attempts;
import io.sluice.persistence.webhook.Deliveries;
import io.sluice.persistence.webhook.EndpointRow;
import io.sluice.persistence.webhook.Endpoints;
import io.sluice.persistence.webhook.MessageRow;
import io.sluice.persistence.webhook.Messages;
import io.sluice.persistence.webhook.RecordedAttempt;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link DeliveryLedger} over the webhook tables, every call one unit of work under one permit of the
 * {@link Database} facade (owner {@code webhook-endpoint-<id>}).
 *
 * <p>Secrets: {@link #endpoint} answers the secrets that sign <i>now</i>, the current one and, while its rotation
 * overlap lasts, the previous one; once the overlap has ended the previous secret is filtered out here. Nothing tells
 * the entity when an overlap ends: an entity holding a config with two secrets keeps sending both signatures until it
 * reads {@link #endpoint} again (it does when it starts, and should when it resumes after idling), which is harmless —
 * an extra signature under a secret the receiver dropped verifies nothing — and bounded by the entity's life.
 *
 * <p>Recording cuts a response prefix to {@code response-body-limit} bytes (the sender should already have) and is
 * idempotent per (endpoint, message, attempt number), see {@link Attempts#record}.
 */
public final class WebhookLedger implements DeliveryLedger {
  private final Database database;
  private final WebhookSettings settings;
  private final Clock clock;

  public WebhookLedger(Database database, WebhookSettings settings, Clock clock) {
    this.database = database;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Optional<EndpointConfig>> endpoint(String endpointId) {
    return database.withConnection(null, owner(endpointId), "read-endpoint", Endpoints.find(endpointId))
        .thenApply(row -> row.map(endpoint -> endpoint.configAt(clock.instant())));
  }

  /** At most {@code max-pending-per-endpoint} ids: more than the entity would hold. */
  @Override
  public CompletionStage<List<String>> pending(String endpointId) {
    return database.withConnection(null, owner(endpointId), "read-pending",
        Deliveries.pendingIds(endpointId, settings.maxPendingPerEndpoint()));
  }

  @Override
  public CompletionStage<Map<String, Integer>> attempts(String endpointId, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return database.withConnection(null, owner(endpointId), "read-attempt-counts",
        Deliveries.attemptCounts(endpointId, messageIds));
  }

  @Override
  public CompletionStage<Map<String, OutboundMessage>> messages(Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return database.withConnection(null, "webhook-messages", "read-messages", Messages.byIds(messageIds))
        .thenApply(rows -> {
          Map<String, OutboundMessage> byId = new LinkedHashMap<>();
          for (MessageRow row : rows) {
            byId.put(row.id(), row.outbound());
          }
          return byId;
        });
  }

  @Override
  public CompletionStage<Done> record(List<AttemptRecord> attempts) {
    if (attempts.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    List<RecordedAttempt> rows = attempts.stream().map(this::row).toList();
    return database.withConnection(null, owner(attempts.get(0).endpointId()), "record-attempts",
        Attempts.record(rows, clock.instant())).thenApply(stored -> Done.getInstance());
  }

  @Override
  public CompletionStage<Boolean> disable(String endpointId, String reason) {
    return database.withConnection(null, owner(endpointId), "disable-endpoint",
        Endpoints.disable(endpointId, reason, clock.instant()));
  }

  private RecordedAttempt row(AttemptRecord record) {
    AttemptOutcome outcome = record.outcome();
    return new RecordedAttempt(new AttemptRow(record.endpointId(), record.messageId(), record.attemptNumber(),
        record.startedAt(), outcome.kind(), outcome.status(), outcome.latencyMillis(),
        prefix(outcome.responsePrefix()), outcome.error()), record.stateAfter(), record.nextAttemptAt());
  }

  /** At most {@code response-body-limit} bytes of UTF-8, never splitting a character. */
  private String prefix(String response) {
    if (response == null) {
      return "";
    }
    byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
    int limit = settings.responseBodyLimit();
    if (bytes.length <= limit) {
      return response;
    }
    int end = limit;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static String owner(String endpointId) {
    return "webhook-endpoint-" + endpointId;
  }
}
