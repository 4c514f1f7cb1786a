package io.sluice.orchestrator.campaign;

import io.sluice.protocols.campaign.CallOutcome;
import java.time.Instant;

/**
 * How one lead attempt settles, as written to the lead table.
 *
 * @param retryAt when the lead is called again; null when the attempt was its last
 * @param classification the classifier's label, null when none ran
 */
public record Settlement(
    long leadId, int attempt, CallOutcome outcome, int score, String classification, String summary,
    int durationSeconds, String callId, boolean hot, Instant retryAt) {

  public boolean finalForLead() {
    return retryAt == null;
  }
}
