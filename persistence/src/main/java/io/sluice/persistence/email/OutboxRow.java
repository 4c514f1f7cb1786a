package io.sluice.persistence.email;

import java.time.Instant;

/**
 * One row of {@code email_outbox}.
 *
 * @param nextAttemptAt when the next attempt is due; null once the row is final or its retries are given up
 * @param emlPath the spooled message while it is owed; once sent, where the outbox transport wrote it (null for SMTP)
 */
public record OutboxRow(
    String campaignId,
    String kind,
    OutboxState state,
    int attempts,
    String lastError,
    String skipReason,
    Instant nextAttemptAt,
    String recipient,
    Instant createdAt,
    Instant sentAt,
    String emlPath) {

  /** A message composed and spooled, due now. */
  public static OutboxRow pending(String campaignId, String kind, String recipient, String emlPath, Instant now) {
    return new OutboxRow(campaignId, kind, OutboxState.PENDING, 0, null, null, now, recipient, now, null, emlPath);
  }

  /** A message that will not be sent, and why. */
  public static OutboxRow skipped(String campaignId, String kind, String recipient, String reason, Instant now) {
    return new OutboxRow(campaignId, kind, OutboxState.SKIPPED, 0, null, reason, null, recipient, now, null, null);
  }

  /** A message that cannot be sent at all (an unusable recipient): FAILED with no retry due. */
  public static OutboxRow undeliverable(String campaignId, String kind, String recipient, String error, Instant now) {
    return new OutboxRow(campaignId, kind, OutboxState.FAILED, 0, error, null, null, recipient, now, null, null);
  }
}
