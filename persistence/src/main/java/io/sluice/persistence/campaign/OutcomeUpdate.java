package io.sluice.persistence.campaign;

import io.sluice.protocols.campaign.CallOutcome;
import java.time.Instant;

/**
 * What an ended attempt leaves on its lead.
 *
 * @param retryAt when to call again (the lead goes back to PENDING), or null when the outcome is final
 * @param score 0-100, or null when the call was not scored
 * @param classification the classifier's label, or null
 * @param summary the provider's transcript summary, or null
 * @param hot whether the score reached the campaign's hot threshold
 * @param callId the provider's call id, or null when no call was placed
 */
public record OutcomeUpdate(CallOutcome outcome, Instant retryAt, Integer score, String classification,
    String summary, boolean hot, String callId) {

  /** An outcome with nothing but its retry time (unanswered, busy, failed calls). */
  public static OutcomeUpdate unscored(CallOutcome outcome, Instant retryAt, String callId) {
    return new OutcomeUpdate(outcome, retryAt, null, null, null, false, callId);
  }
}
