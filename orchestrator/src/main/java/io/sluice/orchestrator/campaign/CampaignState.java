package io.sluice.orchestrator.campaign;

import io.sluice.protocols.CborSerializable;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import io.sluice.protocols.campaign.CampaignStatus;
import io.sluice.protocols.campaign.CampaignTerms;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * A campaign's durable state: its terms, status, counters and the lead attempts in flight — never its leads, so it
 * does not grow with the lead count (in flight is bounded by the campaign's max concurrent calls). Immutable: each
 * event makes a new state.
 *
 * @param status null before the campaign is created
 * @param inFlight lead id → attempt, for every attempt dialled and not yet settled or withdrawn
 */
public record CampaignState(
    String campaignId,
    CampaignStatus status,
    CampaignTerms terms,
    long leadCount,
    long finalCount,
    long hotCount,
    Map<CallOutcome, Long> outcomes,
    Map<Long, Integer> inFlight,
    Instant createdAt,
    Instant startAt,
    Instant completedAt,
    boolean summaryHandedOver) implements CborSerializable {

  public static CampaignState blank() {
    return new CampaignState(null, null, null, 0, 0, 0, Map.of(), Map.of(), null, null, null, false);
  }

  public boolean exists() {
    return status != null;
  }

  /** Every lead is final and nothing is in flight: a running campaign with this state completes. */
  public boolean allLeadsFinal() {
    return leadCount > 0 && finalCount >= leadCount && inFlight.isEmpty();
  }

  /** Call attempts this campaign may still start without passing its max concurrent calls. */
  public int dialCapacity() {
    return Math.max(0, terms.maxConcurrentCalls() - inFlight.size());
  }

  public CampaignState apply(CampaignEvent event) {
    if (event instanceof CampaignEvent.Created e) {
      return new CampaignState(e.campaignId(), CampaignStatus.DRAFT, e.terms(), 0, 0, 0, Map.of(), Map.of(), e.at(),
          null, null, false);
    } else if (event instanceof CampaignEvent.LeadsAdded e) {
      return with(status, leadCount + e.count(), finalCount, hotCount, outcomes, inFlight, startAt, completedAt);
    } else if (event instanceof CampaignEvent.StartScheduled e) {
      return with(CampaignStatus.SCHEDULED, leadCount, finalCount, hotCount, outcomes, inFlight, e.at(), completedAt);
    } else if (event instanceof CampaignEvent.Started e) {
      return with(CampaignStatus.RUNNING, leadCount, finalCount, hotCount, outcomes, inFlight, e.at(), completedAt);
    } else if (event instanceof CampaignEvent.Paused) {
      return with(CampaignStatus.PAUSED, leadCount, finalCount, hotCount, outcomes, inFlight, startAt, completedAt);
    } else if (event instanceof CampaignEvent.Resumed) {
      return with(CampaignStatus.RUNNING, leadCount, finalCount, hotCount, outcomes, inFlight, startAt, completedAt);
    } else if (event instanceof CampaignEvent.Cancelled e) {
      return with(CampaignStatus.CANCELLED, leadCount, finalCount, hotCount, outcomes, inFlight, startAt, e.at());
    } else if (event instanceof CampaignEvent.Completed e) {
      return with(CampaignStatus.COMPLETED, leadCount, finalCount, hotCount, outcomes, inFlight, startAt, e.at());
    } else if (event instanceof CampaignEvent.DialsStarted e) {
      Map<Long, Integer> dialling = new HashMap<>(inFlight);
      e.dials().forEach(d -> dialling.put(d.leadId(), d.attempt()));
      return with(status, leadCount, finalCount, hotCount, outcomes, Map.copyOf(dialling), startAt, completedAt);
    } else if (event instanceof CampaignEvent.DialWithdrawn e) {
      return with(status, leadCount, finalCount, hotCount, outcomes, without(e.leadId()), startAt, completedAt);
    } else if (event instanceof CampaignEvent.OutcomeRecorded e) {
      Map<CallOutcome, Long> counted = new EnumMap<>(CallOutcome.class);
      counted.putAll(outcomes);
      counted.merge(e.outcome(), 1L, Long::sum);
      return with(status, leadCount, finalCount + (e.finalForLead() ? 1 : 0), hotCount + (e.hot() ? 1 : 0),
          Map.copyOf(counted), without(e.leadId()), startAt, completedAt);
    } else if (event instanceof CampaignEvent.SummaryHandedOver) {
      return new CampaignState(campaignId, status, terms, leadCount, finalCount, hotCount, outcomes, inFlight,
          createdAt, startAt, completedAt, true);
    }
    throw new IllegalArgumentException("unknown campaign event " + event.getClass().getName());
  }

  public CampaignView view(Instant nextWakeAt) {
    return new CampaignView(campaignId, status, terms, leadCount, finalCount, hotCount, outcomes, inFlight.size(),
        startAt, createdAt, completedAt, nextWakeAt, summaryHandedOver);
  }

  private Map<Long, Integer> without(long leadId) {
    Map<Long, Integer> rest = new HashMap<>(inFlight);
    rest.remove(leadId);
    return Map.copyOf(rest);
  }

  private CampaignState with(CampaignStatus newStatus, long leads, long finals, long hots,
      Map<CallOutcome, Long> newOutcomes, Map<Long, Integer> newInFlight, Instant newStartAt, Instant newCompletedAt) {
    return new CampaignState(campaignId, newStatus, terms, leads, finals, hots, newOutcomes, newInFlight, createdAt,
        newStartAt, newCompletedAt, summaryHandedOver);
  }
}
