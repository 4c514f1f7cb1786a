package io.sluice.orchestrator.email;

import io.sluice.protocols.campaign.CallOutcome;
import java.util.Map;

/**
 * What the summary email reports about one finished campaign; the hot leads themselves come as a stream.
 *
 * @param ownerEmail the recipient, an RFC 822 address
 * @param perOutcome final calls per outcome; outcomes that never occurred may be absent
 */
public record CampaignSummary(String campaignId, String campaignName, String ownerEmail, long leads, long answered,
    long hot, Map<CallOutcome, Long> perOutcome) {
  public CampaignSummary {
    perOutcome = Map.copyOf(perOutcome);
  }
}
