package io.sluice.persistence.campaign;

import io.sluice.protocols.campaign.CallOutcome;
import java.time.Instant;
import java.util.List;

/**
 * One row of {@code campaign_lead}.
 *
 * @param attempts calls made so far; while DIALING, the number of the attempt in progress
 * @param nextAttemptAt when a PENDING lead is due; null once claimed or final
 * @param lastOutcome the latest attempt's outcome, null before the first one ends
 * @param score 0-100, null until scored
 */
public record LeadRow(String campaignId, long leadId, String name, String phone, List<String> zones,
    String metadataJson, LeadState state, int attempts, Instant nextAttemptAt, CallOutcome lastOutcome, Integer score,
    String classification, String summary, boolean hot, String callId, String idempotencyKey, Instant updatedAt) {
  public LeadRow {
    zones = List.copyOf(zones);
  }
}
