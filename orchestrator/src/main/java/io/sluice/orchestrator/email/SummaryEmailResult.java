package io.sluice.orchestrator.email;

import io.sluice.persistence.email.OutboxState;

/**
 * How one {@link SummaryEmailer#send} call ended.
 *
 * @param outcome what this call did
 * @param state the outbox row's state afterwards
 * @param attempts delivery attempts recorded on the row
 * @param detail the skip reason, the last error, or null
 */
public record SummaryEmailResult(String campaignId, Outcome outcome, OutboxState state, int attempts, String detail) {

  public enum Outcome {
    /** This call delivered the email. */
    SENT,
    /** This call recorded the email as not to be sent (a gate was closed). */
    SKIPPED,
    /** This call tried {@code sluice.email.retry.max-attempts} times, or the recipient is unusable: the row is FAILED. */
    GAVE_UP,
    /**
     * An attempt failed (or another is under way) and the retry is not waited for here: the row says when it is due,
     * and a tick retries it (serverless mode, or {@code sluice.background.email-retry.enabled} off).
     */
    OWED,
    /** The campaign already had its row (a replayed or concurrent call): nothing sent by this call. */
    ALREADY_RECORDED
  }
}
