package io.sluice.protocols.campaign;

import io.sluice.protocols.CborSerializable;
import java.time.Instant;
import java.util.Map;

/** A campaign entity's answer to a command. */
public sealed interface CampaignReply extends CborSerializable {

  /** The command was applied (or the campaign was read); {@code view} is the campaign after it. */
  record Accepted(CampaignView view) implements CampaignReply {
    @com.fasterxml.jackson.annotation.JsonCreator
    public Accepted {}
  }

  /**
   * The command is not allowed now.
   *
   * @param status the campaign's status, null when there is no such campaign
   */
  record Refused(String reason, CampaignStatus status) implements CampaignReply {}

  /**
   * A campaign as its entity knows it: counters and cursors, never its leads.
   *
   * @param inFlight lead attempts dialled and not yet settled
   * @param nextWakeAt when the campaign's single timer fires next, null when it holds none
   */
  record CampaignView(
      String campaignId,
      CampaignStatus status,
      CampaignTerms terms,
      long leadCount,
      long finalCount,
      long hotCount,
      Map<CallOutcome, Long> outcomes,
      int inFlight,
      Instant startAt,
      Instant createdAt,
      Instant completedAt,
      Instant nextWakeAt,
      boolean summaryHandedOver) implements CborSerializable {}
}
