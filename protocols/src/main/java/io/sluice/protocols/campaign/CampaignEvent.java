package io.sluice.protocols.campaign;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.protocols.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What a campaign's journal holds. Schema evolution rule: events are never renamed, moved or reshaped in place; a
 * field may be added (readers of old events see null or the default, so new fields must tolerate it), and anything
 * else is a new event type next to the old one, whose handler stays for as long as journals may hold it.
 */
public sealed interface CampaignEvent extends CborSerializable {

  record Created(String campaignId, CampaignTerms terms, Instant at) implements CampaignEvent {}

  record LeadsAdded(long count) implements CampaignEvent {
    @JsonCreator
    public LeadsAdded {}
  }

  record StartScheduled(Instant at) implements CampaignEvent {
    @JsonCreator
    public StartScheduled {}
  }

  record Started(Instant at) implements CampaignEvent {
    @JsonCreator
    public Started {}
  }

  record Paused(Instant at) implements CampaignEvent {
    @JsonCreator
    public Paused {}
  }

  record Resumed(Instant at) implements CampaignEvent {
    @JsonCreator
    public Resumed {}
  }

  record Cancelled(Instant at) implements CampaignEvent {
    @JsonCreator
    public Cancelled {}
  }

  record Completed(Instant at) implements CampaignEvent {
    @JsonCreator
    public Completed {}
  }

  /** One lead attempt about to be dialled: its idempotency key is fixed by (campaign, lead, attempt). */
  record Dial(long leadId, int attempt) implements CborSerializable {}

  /** Lead attempts taken on; from here until settled or withdrawn they count against the campaign's concurrency. */
  record DialsStarted(List<Dial> dials) implements CampaignEvent {
    @JsonCreator
    public DialsStarted {}
  }

  /** A dialled attempt that placed no call (rate limited, no call slot in time): the lead goes back to waiting. */
  record DialWithdrawn(long leadId, int attempt) implements CampaignEvent {}

  /**
   * A lead attempt settled and written to the lead table.
   *
   * @param finalForLead the lead will not be called again
   * @param hot the lead ended hot
   */
  record OutcomeRecorded(long leadId, int attempt, CallOutcome outcome, boolean finalForLead, boolean hot)
      implements CampaignEvent {}

  /** The summary email was handed to the outbox, which sends it exactly once. */
  record SummaryHandedOver(Instant at) implements CampaignEvent {
    @JsonCreator
    public SummaryHandedOver {}
  }
}
