package io.sluice.persistence.webhook;

import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Instant;

/**
 * One {@code webhook_message} row: a published event.
 *
 * @param payload the JSON payload as sent, compact
 * @param idempotencyKey the publisher's key, or null (also once a later publication reused it after the window)
 */
public record MessageRow(String id, String workspaceId, String eventType, String payload, String idempotencyKey,
    Instant createdAt) {

  /** The message as its endpoints receive it. */
  public OutboundMessage outbound() {
    return new OutboundMessage(id, eventType, createdAt, payload);
  }
}
