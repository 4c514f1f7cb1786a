package io.sluice.orchestrator.campaign;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.javadsl.ActorContext;
import akka.persistence.typed.javadsl.EffectFactories;
import akka.persistence.typed.javadsl.ReplyEffect;
import io.sluice.orchestrator.provider.PlaceCallResult;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignCommand.ReportOutcome;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CampaignStatus;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Revoked;
import io.sluice.persistence.campaign.ClaimResult;
import io.sluice.persistence.campaign.LeadClaim;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A campaign's dialling: takes due leads on up to the campaign's max concurrent calls, and carries each lead attempt
 * through its steps — claim it in the lead table (the do-not-call check happens there, at dial time), get a call slot,
 * place the call under the attempt's idempotency key, wait for the provider's report, refine the score (no database
 * permit held), settle the attempt in the lead table, then record it in the journal.
 *
 * <p>The order keeps every crash harmless. An attempt enters the journal ({@code DialsStarted}) before anything else
 * happens to it, so a restart finds it and drives it again from the claim, which is idempotent, and the provider
 * places nothing twice under the same key. It leaves the journal ({@code OutcomeRecorded}, {@code DialWithdrawn}) only
 * after the lead table says so. A call slot is only asked for after the claim's database permit is back, and given
 * back before the settlement asks for one: a campaign never holds both kinds of permit while waiting for the other.
 *
 * <p>Which leads to take and when to look again is {@link DueLeads}' concern; from the report on, {@link Settler}'s;
 * the call slots' bookkeeping {@link CallSlotLeases}'; the completed campaign's summary {@link SummaryHandOver}'s.
 * Both work in batches: the leads of one look are journaled together and claimed in one unit of work, and the
 * settlements that gather while one batch is written are written, then journaled, together.
 *
 * <p>What is not durable — slot leases, the lead details of attempts in flight — lives in this object for the life of
 * the entity's incarnation, and is rebuilt from the journal and the lead table on recovery.
 */
final class Dialler implements Settler.Attempts, DueLeads.Dials {
  /** Internal steps the entity sends itself; never cross a node. */
  interface Step extends CampaignCommand, NoSerializationVerificationNeeded {}

  enum MaybeComplete implements Step { INSTANCE }

  record LeadLoaded(LeadToDial lead, int attempt, Throwable failure) implements Step {}

  record Claimed(List<LeadClaim> claims, Map<Long, ClaimResult> results, Throwable failure) implements Step {}

  record SlotReplied(PermitReply reply) implements Step {}

  record PlacementDone(long leadId, int attempt, PlaceCallResult placement, Throwable failure) implements Step {}

  record Withdrawn(long leadId, int attempt, Instant retryAt, Throwable failure) implements Step {}

  record SettledFound(long leadId, CampaignEvent.OutcomeRecorded outcome, Throwable failure) implements Step {}

  record ViewSaved(CampaignStatus status, Throwable failure) implements Step {}

  private final String campaignId;
  private final ActorContext<CampaignCommand> context;
  private final CampaignTimers timers;
  private final CampaignPorts ports;
  private final Supplier<EffectFactories<CampaignEvent, CampaignState>> effects;
  private final Function<CampaignState, ReplyEffect<CampaignEvent, CampaignState>> completion;
  private final Logger log;

  private final Map<Long, LeadToDial> leadsInFlight = new HashMap<>();
  private final CallSlotLeases slots;
  /** Attempts in flight whose lead row is DIALING (claimed, neither withdrawn nor settling): no due read finds them. */
  private final Set<Long> dialing = new HashSet<>();
  private final Settler settler;
  private final DueLeads dueLeads;
  private final SummaryHandOver summary;

  Dialler(String campaignId, ActorContext<CampaignCommand> context, CampaignTimers timers,
      CampaignPorts ports, Supplier<EffectFactories<CampaignEvent, CampaignState>> effects,
      Function<CampaignState, ReplyEffect<CampaignEvent, CampaignState>> completion) {
    this.campaignId = campaignId;
    this.context = context;
    this.timers = timers;
    this.ports = ports;
    this.effects = effects;
    this.completion = completion;
    this.slots = new CallSlotLeases(campaignId, ports.callSlots(), ports.slotMaxWait(),
        context.messageAdapter(PermitReply.class, SlotReplied::new), context.getSelf());
    this.log = context.getLog();
    this.settler = new Settler(campaignId, context, ports, effects, this);
    this.dueLeads = new DueLeads(campaignId, context, timers, ports, effects, this);
    this.summary = new SummaryHandOver(campaignId, context, timers, ports, effects);
  }

  /** When the campaign's one wake-up timer fires next; null when it holds none. */
  Instant nextWakeAt() {
    return dueLeads.nextWakeAt();
  }

  void dialMore() {
    dueLeads.dialMore();
  }

  void stopWaking() {
    dueLeads.stopWaking();
  }

  /** Drives the attempts that were in flight when the entity last stopped, then dials on if the campaign runs. */
  void resumeInFlight(CampaignState state) {
    // A cancelled campaign does not place calls again: whatever it did place reports and settles on its own.
    if (state.status() != CampaignStatus.CANCELLED) {
      state.inFlight().forEach((leadId, attempt) -> context.pipeToSelf(ports.leads().lead(campaignId, leadId),
          (lead, failure) -> new LeadLoaded(lead, attempt, failure)));
    }
    if (state.status() == CampaignStatus.RUNNING) {
      dialMore();
      // A crash between the last settlement and the completion leaves nothing else to complete it.
      context.getSelf().tell(MaybeComplete.INSTANCE);
    }
  }

  void handOverSummary(CampaignState completed) {
    summary.handOver(completed);
  }

  ReplyEffect<CampaignEvent, CampaignState> onStep(CampaignState state, Step step) {
    if (step instanceof DueLeads.Step due) {
      return dueLeads.onStep(state, due);
    } else if (step instanceof LeadLoaded loaded) {
      return onLeadLoaded(state, loaded);
    } else if (step instanceof Claimed claimed) {
      return onClaimed(state, claimed);
    } else if (step instanceof SlotReplied slot) {
      return onSlotReply(state, slot.reply());
    } else if (step instanceof PlacementDone placed) {
      return onPlacement(state, placed);
    } else if (step instanceof Settler.Step settling) {
      return settler.onStep(state, settling);
    } else if (step instanceof Withdrawn withdrawn) {
      return onWithdrawn(state, withdrawn);
    } else if (step instanceof SettledFound settled) {
      return onSettledFound(settled);
    } else if (step instanceof SummaryHandOver.Step handingOver) {
      return summary.onStep(state, handingOver);
    } else if (step instanceof MaybeComplete) {
      return completion.apply(state);
    } else if (step instanceof ViewSaved saved && saved.failure() != null) {
      log.warn("campaign {}: read-side row not written for status {}: {}", campaignId, saved.status(),
          saved.failure().toString());
    }
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onLeadLoaded(CampaignState state, LeadLoaded loaded) {
    if (loaded.failure() != null) {
      log.error("campaign {}: could not reload an attempt in flight; it resumes at the next restart: {}", campaignId,
          loaded.failure().toString());
      return effects.get().noReply();
    }
    if (state.inFlight().containsKey(loaded.lead().leadId())) {
      track(loaded.lead());
      claim(state, List.of(loaded.lead()));
    }
    return effects.get().noReply();
  }

  /** Claims the leads' attempts in flight, all in one unit of work. */
  private void claim(CampaignState state, List<LeadToDial> leads) {
    List<LeadClaim> claims = leads.stream().map(lead -> {
      int attempt = state.inFlight().get(lead.leadId());
      return new LeadClaim(lead.leadId(), attempt, idempotencyKey(lead.leadId(), attempt));
    }).toList();
    context.pipeToSelf(ports.leads().claim(state.terms().workspaceId(), campaignId, claims),
        (results, failure) -> new Claimed(claims, results, failure));
  }

  /** One key per lead attempt, the same after any restart: the provider never places two calls under it. */
  String idempotencyKey(long leadId, int attempt) {
    return campaignId + ":" + leadId + ":" + attempt;
  }

  private ReplyEffect<CampaignEvent, CampaignState> onClaimed(CampaignState state, Claimed claimed) {
    if (claimed.failure() != null) {
      log.warn("campaign {}: claim of {} lead(s) failed, withdrawn until later: {}", campaignId,
          claimed.claims().size(), claimed.failure().toString());
      Instant later = now().plus(ports.retryLater());
      claimed.claims().forEach(claim -> withdraw(claim.leadId(), claim.attempt(), later));
      return effects.get().noReply();
    }
    List<CampaignEvent> ended = new ArrayList<>();
    for (LeadClaim claim : claimed.claims()) {
      long leadId = claim.leadId();
      ClaimResult result = claimed.results().get(leadId);
      if (result == ClaimResult.CLAIMED) {
        dialing.add(leadId);
        slots.request(leadId);
      } else if (result == ClaimResult.ALREADY_SETTLED) {
        // Settled in the table by an earlier incarnation that stopped before journaling it: journal it from there.
        untrack(leadId);
        context.pipeToSelf(ports.leads().settledOutcome(campaignId, leadId, claim.attempt()),
            (outcome, failure) -> new SettledFound(leadId, outcome, failure));
      } else {
        untrack(leadId);
        // DO_NOT_CALL: the claim already made the lead final, in the same transaction as the list check.
        ended.add(result == ClaimResult.DO_NOT_CALL
            ? new CampaignEvent.OutcomeRecorded(leadId, claim.attempt(), CallOutcome.DO_NOT_CALL, true, false)
            : new CampaignEvent.DialWithdrawn(leadId, claim.attempt()));
      }
    }
    if (ended.isEmpty()) {
      return effects.get().noReply();
    }
    return effects.get().persist(ended)
        .thenRun(after -> {
          context.getSelf().tell(MaybeComplete.INSTANCE);
          dialMore();
        })
        .thenNoReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onSlotReply(CampaignState state, PermitReply reply) {
    if (reply instanceof Granted granted) {
      Long leadId = slots.answered(granted.requestId());
      Integer attempt = leadId == null ? null : state.inFlight().get(leadId);
      if (attempt == null || state.status() == CampaignStatus.CANCELLED) {
        slots.giveBack(granted.lease());
        if (attempt != null) {
          withdraw(leadId, attempt, now());
        }
        return effects.get().noReply();
      }
      slots.hold(leadId, granted.lease());
      LeadToDial lead = leadsInFlight.get(leadId);
      context.pipeToSelf(ports.placer().place(idempotencyKey(leadId, attempt), campaignId, lead, attempt),
          (placement, failure) -> new PlacementDone(leadId, attempt, placement, failure));
    } else if (reply instanceof Rejected rejected) {
      Long leadId = slots.answered(rejected.requestId());
      Integer attempt = leadId == null ? null : state.inFlight().get(leadId);
      if (attempt != null) {
        log.info("campaign {} lead {}: no call slot ({}), withdrawn until later", campaignId, leadId,
            rejected.reason());
        withdraw(leadId, attempt, now().plus(ports.retryLater()));
      }
    } else if (reply instanceof Revoked revoked) {
      Long leadId = slots.revoked(revoked.lease());
      Integer attempt = leadId == null ? null : state.inFlight().get(leadId);
      if (attempt != null && leadsInFlight.containsKey(leadId) && settler.settleUnreported(state,
          leadsInFlight.get(leadId), attempt, CallOutcome.FAILED, "no outcome was reported in time")) {
        dialing.remove(leadId);
        log.warn("campaign {} lead {}: no outcome within the call slot's max hold; settled as failed", campaignId,
            leadId);
      }
    }
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onPlacement(CampaignState state, PlacementDone done) {
    LeadToDial lead = leadsInFlight.get(done.leadId());
    if (lead == null || !state.inFlight().containsKey(done.leadId())) {
      slots.release(done.leadId(), false);
      return effects.get().noReply();
    }
    if (done.failure() != null) {
      callEnded(done.leadId(), true);
      settler.settleUnreported(state, lead, done.attempt(), CallOutcome.FAILED,
          "the provider did not place the call: " + done.failure().getMessage());
    } else if (done.placement() instanceof PlaceCallResult.Placed placed) {
      log.debug("campaign {} lead {} attempt {}: call {} placed", campaignId, done.leadId(), done.attempt(),
          placed.callId());
    } else if (done.placement() instanceof PlaceCallResult.RateLimited limited) {
      // Throttle before the release, so the cap counts the calls the provider did accept.
      ports.throttleCalls().accept(limited.retryAfter());
      slots.release(done.leadId(), false);
      withdraw(done.leadId(), done.attempt(), now().plus(limited.retryAfter()));
    } else if (done.placement() instanceof PlaceCallResult.Permanent refused) {
      callEnded(done.leadId(), false);
      settler.settleUnreported(state, lead, done.attempt(), CallOutcome.INVALID_NUMBER, refused.reason());
    }
    return effects.get().noReply();
  }

  @Override
  public int claimedInFlight() {
    return dialing.size();
  }

  @Override
  public void dial(CampaignState after, List<LeadToDial> taken) {
    taken.forEach(this::track);
    claim(after, taken);
  }

  ReplyEffect<CampaignEvent, CampaignState> onReport(CampaignState state, ReportOutcome command) {
    return settler.onReport(state, command);
  }

  @Override
  public LeadToDial lead(long leadId) {
    return leadsInFlight.get(leadId);
  }

  /** Also: the lead's row may be PENDING again from its settlement on, so due reads count it. */
  @Override
  public void callEnded(long leadId, boolean failed) {
    dialing.remove(leadId);
    slots.release(leadId, failed);
  }

  @Override
  public void settled(CampaignState after, List<Long> leadIds) {
    leadIds.forEach(this::untrack);
    context.getSelf().tell(MaybeComplete.INSTANCE);
    dialMore();
  }

  private void withdraw(long leadId, int attempt, Instant retryAt) {
    dialing.remove(leadId);
    context.pipeToSelf(ports.leads().withdraw(campaignId, leadId, attempt, retryAt),
        (done, failure) -> new Withdrawn(leadId, attempt, retryAt, failure));
  }

  private ReplyEffect<CampaignEvent, CampaignState> onSettledFound(SettledFound settled) {
    if (settled.failure() != null) {
      // The journal still has the attempt in flight: the next start claims it again and finds it settled again.
      log.warn("campaign {} lead {}: settled attempt not read back: {}", campaignId, settled.leadId(),
          settled.failure().toString());
      return effects.get().noReply();
    }
    log.info("campaign {} lead {}: attempt {} was settled before a restart; journaled from the lead table",
        campaignId, settled.leadId(), settled.outcome().attempt());
    return effects.get().persist(settled.outcome())
        .thenRun(after -> {
          context.getSelf().tell(MaybeComplete.INSTANCE);
          dialMore();
        })
        .thenNoReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onWithdrawn(CampaignState state, Withdrawn withdrawn) {
    if (withdrawn.failure() != null) {
      // The lead table still says DIALING: keep the attempt in flight so the next restart drives it again.
      log.warn("campaign {} lead {}: withdrawal not written: {}", campaignId, withdrawn.leadId(),
          withdrawn.failure().toString());
      return effects.get().noReply();
    }
    untrack(withdrawn.leadId());
    return effects.get().persist(new CampaignEvent.DialWithdrawn(withdrawn.leadId(), withdrawn.attempt()))
        .thenRun(after -> dueLeads.scheduleNextWake())
        .thenNoReply();
  }

  /** An attempt in flight in this incarnation, counted in the node's activity. */
  private void track(LeadToDial lead) {
    if (leadsInFlight.put(lead.leadId(), lead) == null) {
      ports.activity().attempts(1);
    }
  }

  private void untrack(long leadId) {
    if (leadsInFlight.remove(leadId) != null) {
      ports.activity().attempts(-1);
    }
  }

  /** The entity stops: its attempts in flight leave the node's count (a restart drives them again). */
  void stopped() {
    ports.activity().attempts(-leadsInFlight.size());
    leadsInFlight.clear();
  }

  private Instant now() {
    return ports.clock().instant();
  }
}
