package io.sluice.orchestrator.webhook;

import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.EndpointEvent.Notice;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The operational events an endpoint raises: {@code message.attempt.exhausted} when a message is dead-lettered after
 * its last attempt, {@code endpoint.disabled} when the endpoint answered 410 or failed continuously for
 * {@code sluice.webhooks.disable-after-failing-for}. A notice is journaled first and published after, under an
 * idempotency key derived from its subject, so that publishing it again after a crash is a no-op. A dead-lettered
 * message that is itself an operational event raises nothing: a receiver failing on those would otherwise feed
 * itself a new one for each.
 */
final class Notices {
  static final String EXHAUSTED = "message.attempt.exhausted";
  static final String DISABLED = "endpoint.disabled";

  private Notices() {}

  /** Whether a message of this type is an operational event about deliveries (never notified about itself). */
  static boolean operational(String eventType) {
    return EXHAUSTED.equals(eventType) || DISABLED.equals(eventType);
  }

  static Notice exhausted(String endpointId, String messageId, String eventType, int attempts, int lastStatus,
      Instant at) {
    return new Notice(EXHAUSTED + ":" + endpointId + ":" + messageId + ":" + attempts, EXHAUSTED, messageId,
        eventType, attempts, lastStatus, null, at);
  }

  /** Keyed by the time of the decision: an endpoint may be disabled again after being re-enabled. */
  static Notice disabled(String endpointId, String reason, Instant at) {
    return new Notice(DISABLED + ":" + endpointId + ":" + at.toEpochMilli(), DISABLED, null, null, 0, 0, reason, at);
  }

  /**
   * Carries the notice out: for {@code endpoint.disabled}, marks the endpoint disabled in the ledger first (both
   * steps are idempotent, so a retry repeats them harmlessly).
   */
  static CompletionStage<String> publish(Notice notice, EndpointConfig config, DeliveryLedger ledger,
      OperationalEvents events) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("endpointId", config.endpointId());
    if (DISABLED.equals(notice.eventType())) {
      payload.put("reason", notice.reason());
      payload.put("disabledAt", notice.at().toString());
      return ledger.disable(config.endpointId(), notice.reason()).thenCompose(changed ->
          events.publish(config.workspaceId(), DISABLED, payload, notice.key()));
    }
    payload.put("messageId", notice.messageId());
    payload.put("eventType", notice.messageEventType());
    payload.put("attempts", notice.attempts());
    payload.put("lastStatus", notice.lastStatus());
    return events.publish(config.workspaceId(), EXHAUSTED, payload, notice.key());
  }
}
