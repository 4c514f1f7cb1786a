package io.sluice.orchestrator.campaign;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.javadsl.EffectFactories;
import akka.persistence.typed.javadsl.ReplyEffect;
import io.sluice.orchestrator.campaign.CallRefiner.Refinement;
import io.sluice.orchestrator.provider.PlaceCallResult;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CallReport;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignCommand.ReportOutcome;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CampaignEvent.Dial;
import io.sluice.protocols.campaign.CampaignStatus;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import io.sluice.protocols.permit.Revoked;
import io.sluice.persistence.campaign.ClaimResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>What is not durable — slot leases, the lead details of attempts in flight — lives in this object for the life of
 * the entity's incarnation, and is rebuilt from the journal and the lead table on recovery.
 */
final class Dialler {
  static final String WAKE_TIMER = "wake";

  /** Internal steps the entity sends itself; never cross a node. */
  interface Step extends CampaignCommand, NoSerializationVerificationNeeded {}

  enum DialMore implements Step { INSTANCE }

  enum WakeDue implements Step { INSTANCE }

  enum MaybeComplete implements Step { INSTANCE }

  enum SummaryRetry implements Step { INSTANCE }

  record DueLoaded(List<LeadToDial> leads, int limit, Throwable failure) implements Step {}

  record NextDueLoaded(Optional<Instant> at, Throwable failure) implements Step {}

  record LeadLoaded(LeadToDial lead, int attempt, Throwable failure) implements Step {}

  record Claimed(LeadToDial lead, int attempt, ClaimResult result, Throwable failure) implements Step {}

  record SlotReplied(PermitReply reply) implements Step {}

  record PlacementDone(long leadId, int attempt, PlaceCallResult placement, Throwable failure) implements Step {}

  record ReportReady(ReportOutcome command, LeadToDial lead, Throwable failure) implements Step {}

  record Refined(ReportOutcome command, LeadToDial lead, Refinement refinement, Throwable failure) implements Step {}

  record Settled(Settlement settlement, String phone, boolean addToDoNotCall, ActorRef<Done> replyTo,
      Throwable failure) implements Step {}

  record Withdrawn(long leadId, int attempt, Instant retryAt, Throwable failure) implements Step {}

  record SummaryDone(Throwable failure) implements Step {}

  record ViewSaved(CampaignStatus status, Throwable failure) implements Step {}

  private final String campaignId;
  private final ActorContext<CampaignCommand> context;
  private final TimerScheduler<CampaignCommand> timers;
  private final CampaignPorts ports;
  private final Supplier<EffectFactories<CampaignEvent, CampaignState>> effects;
  private final Function<CampaignState, ReplyEffect<CampaignEvent, CampaignState>> completion;
  private final ActorRef<PermitReply> slotReplies;
  private final Logger log;

  private final Map<Long, LeadToDial> leadsInFlight = new HashMap<>();
  private final Map<Long, Long> slotRequests = new HashMap<>();
  private final Map<Long, Lease> slots = new HashMap<>();
  private final Map<Long, Long> leadBySlot = new HashMap<>();
  private final Set<Long> settling = new HashSet<>();
  private long requestIds;
  private boolean loading;
  private Instant nextWakeAt;

  Dialler(String campaignId, ActorContext<CampaignCommand> context, TimerScheduler<CampaignCommand> timers,
      CampaignPorts ports, Supplier<EffectFactories<CampaignEvent, CampaignState>> effects,
      Function<CampaignState, ReplyEffect<CampaignEvent, CampaignState>> completion) {
    this.campaignId = campaignId;
    this.context = context;
    this.timers = timers;
    this.ports = ports;
    this.effects = effects;
    this.completion = completion;
    this.slotReplies = context.messageAdapter(PermitReply.class, SlotReplied::new);
    this.log = context.getLog();
  }

  /** When the campaign's one wake-up timer fires next; null when it holds none. */
  Instant nextWakeAt() {
    return nextWakeAt;
  }

  void dialMore() {
    context.getSelf().tell(DialMore.INSTANCE);
  }

  void stopWaking() {
    timers.cancel(WAKE_TIMER);
    nextWakeAt = null;
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
    context.pipeToSelf(ports.summaries().handOver(completed.view(null)), (done, failure) -> new SummaryDone(failure));
  }

  ReplyEffect<CampaignEvent, CampaignState> onStep(CampaignState state, Step step) {
    if (step instanceof DialMore || step instanceof WakeDue) {
      if (step instanceof WakeDue) {
        nextWakeAt = null;
      }
      return onDialMore(state);
    } else if (step instanceof DueLoaded due) {
      return onDueLoaded(state, due);
    } else if (step instanceof NextDueLoaded next) {
      return onNextDue(state, next);
    } else if (step instanceof LeadLoaded loaded) {
      return onLeadLoaded(state, loaded);
    } else if (step instanceof Claimed claimed) {
      return onClaimed(state, claimed);
    } else if (step instanceof SlotReplied slot) {
      return onSlotReply(state, slot.reply());
    } else if (step instanceof PlacementDone placed) {
      return onPlacement(state, placed);
    } else if (step instanceof ReportReady ready) {
      return onReportReady(state, ready);
    } else if (step instanceof Refined refined) {
      return onRefined(state, refined);
    } else if (step instanceof Settled settled) {
      return onSettled(state, settled);
    } else if (step instanceof Withdrawn withdrawn) {
      return onWithdrawn(state, withdrawn);
    } else if (step instanceof SummaryDone done) {
      return onSummaryDone(state, done);
    } else if (step instanceof SummaryRetry) {
      handOverSummary(state);
    } else if (step instanceof MaybeComplete) {
      return completion.apply(state);
    } else if (step instanceof ViewSaved saved && saved.failure() != null) {
      log.warn("campaign {}: read-side row not written for status {}: {}", campaignId, saved.status(),
          saved.failure().toString());
    }
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onDialMore(CampaignState state) {
    if (state.status() == CampaignStatus.RUNNING && !loading && state.dialCapacity() > 0) {
      loading = true;
      int limit = state.dialCapacity() + state.inFlight().size();
      context.pipeToSelf(ports.leads().due(campaignId, now(), limit),
          (leads, failure) -> new DueLoaded(leads, limit, failure));
    }
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onDueLoaded(CampaignState state, DueLoaded due) {
    loading = false;
    if (due.failure() != null) {
      log.warn("campaign {}: could not load due leads, trying again in {}: {}", campaignId, ports.retryLater(),
          due.failure().toString());
      wakeAt(now().plus(ports.retryLater()));
      return effects.get().noReply();
    }
    if (state.status() != CampaignStatus.RUNNING) {
      return effects.get().noReply();
    }
    Instant now = now();
    List<Dial> dials = new ArrayList<>();
    List<LeadToDial> taken = new ArrayList<>();
    boolean deferred = false;
    for (LeadToDial lead : due.leads()) {
      if (dials.size() >= state.dialCapacity()) {
        break;
      }
      if (state.inFlight().containsKey(lead.leadId())) {
        continue;
      }
      Optional<Instant> callable = ports.windows().callableFrom(now, lead.zones(), state.terms().windows());
      if (callable.isPresent() && !callable.get().isAfter(now)) {
        dials.add(new Dial(lead.leadId(), lead.attempts() + 1));
        taken.add(lead);
      } else {
        // Never open together in all its zones (only a settings change can cause it after validation): look again
        // in a day rather than settle a lead that was never called.
        Instant until = callable.orElse(now.plus(Duration.ofDays(1)));
        deferred = true;
        context.pipeToSelf(ports.leads().defer(campaignId, lead.leadId(), until),
            (done, failure) -> new ViewSaved(state.status(), failure));
      }
    }
    boolean fullPage = due.leads().size() >= due.limit();
    if (dials.isEmpty()) {
      if (fullPage && !deferred) {
        dialMore();
      } else {
        scheduleNextWake();
      }
      return effects.get().noReply();
    }
    boolean lookAgain = fullPage && !deferred;
    return effects.get().persist(new CampaignEvent.DialsStarted(List.copyOf(dials)))
        .thenRun(after -> {
          taken.forEach(lead -> {
            leadsInFlight.put(lead.leadId(), lead);
            claim(after, lead, lead.attempts() + 1);
          });
          if (after.dialCapacity() > 0) {
            if (lookAgain) {
              dialMore();
            } else {
              scheduleNextWake();
            }
          }
        })
        .thenNoReply();
  }

  private void scheduleNextWake() {
    context.pipeToSelf(ports.leads().earliestDue(campaignId), NextDueLoaded::new);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onNextDue(CampaignState state, NextDueLoaded next) {
    if (state.status() != CampaignStatus.RUNNING) {
      return effects.get().noReply();
    }
    if (next.failure() != null) {
      log.warn("campaign {}: could not read its next due time, trying again in {}: {}", campaignId,
          ports.retryLater(), next.failure().toString());
      wakeAt(now().plus(ports.retryLater()));
    } else if (next.at().isEmpty() || state.dialCapacity() == 0) {
      // Nothing waits, or every call slot of the campaign is busy: a settling attempt dials on, no timer needed.
      stopWaking();
    } else {
      wakeAt(next.at().get());
    }
    return effects.get().noReply();
  }

  private void wakeAt(Instant at) {
    Duration until = Duration.between(now(), at);
    nextWakeAt = at;
    timers.startSingleTimer(WAKE_TIMER, WakeDue.INSTANCE, until.isNegative() ? Duration.ZERO : until);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onLeadLoaded(CampaignState state, LeadLoaded loaded) {
    if (loaded.failure() != null) {
      log.error("campaign {}: could not reload an attempt in flight; it resumes at the next restart: {}", campaignId,
          loaded.failure().toString());
      return effects.get().noReply();
    }
    if (state.inFlight().containsKey(loaded.lead().leadId())) {
      leadsInFlight.put(loaded.lead().leadId(), loaded.lead());
      claim(state, loaded.lead(), loaded.attempt());
    }
    return effects.get().noReply();
  }

  private void claim(CampaignState state, LeadToDial lead, int attempt) {
    context.pipeToSelf(ports.leads().claim(state.terms().workspaceId(), campaignId, lead.leadId(), attempt,
            idempotencyKey(lead.leadId(), attempt)),
        (result, failure) -> new Claimed(lead, attempt, result, failure));
  }

  /** One key per lead attempt, the same after any restart: the provider never places two calls under it. */
  String idempotencyKey(long leadId, int attempt) {
    return campaignId + ":" + leadId + ":" + attempt;
  }

  private ReplyEffect<CampaignEvent, CampaignState> onClaimed(CampaignState state, Claimed claimed) {
    long leadId = claimed.lead().leadId();
    if (claimed.failure() != null) {
      log.warn("campaign {} lead {}: claim failed, withdrawn until later: {}", campaignId, leadId,
          claimed.failure().toString());
      withdraw(leadId, claimed.attempt(), now().plus(ports.retryLater()));
    } else if (claimed.result() == ClaimResult.CLAIMED) {
      long requestId = ++requestIds;
      slotRequests.put(requestId, leadId);
      ports.callSlots().tell(new Acquire(requestId, "campaign-" + campaignId, "call", LeaseKind.SHORT,
          Priority.NORMAL, ports.slotMaxWait(), slotReplies, context.getSelf()));
    } else if (claimed.result() == ClaimResult.DO_NOT_CALL) {
      // The claim already made the lead final in the lead table, in the same transaction as the list check.
      leadsInFlight.remove(leadId);
      return effects.get().persist(new CampaignEvent.OutcomeRecorded(leadId, claimed.attempt(),
              CallOutcome.DO_NOT_CALL, true, false))
          .thenRun(after -> {
            context.getSelf().tell(MaybeComplete.INSTANCE);
            dialMore();
          })
          .thenNoReply();
    } else {
      leadsInFlight.remove(leadId);
      return effects.get().persist(new CampaignEvent.DialWithdrawn(leadId, claimed.attempt()))
          .thenRun(after -> dialMore())
          .thenNoReply();
    }
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onSlotReply(CampaignState state, PermitReply reply) {
    if (reply instanceof Granted granted) {
      Long leadId = slotRequests.remove(granted.requestId());
      Integer attempt = leadId == null ? null : state.inFlight().get(leadId);
      if (attempt == null || state.status() == CampaignStatus.CANCELLED) {
        ports.callSlots().tell(new Release(granted.lease().id(), null, false));
        if (attempt != null) {
          withdraw(leadId, attempt, now());
        }
        return effects.get().noReply();
      }
      slots.put(leadId, granted.lease());
      leadBySlot.put(granted.lease().id().value(), leadId);
      LeadToDial lead = leadsInFlight.get(leadId);
      context.pipeToSelf(ports.placer().place(idempotencyKey(leadId, attempt), campaignId, lead, attempt),
          (placement, failure) -> new PlacementDone(leadId, attempt, placement, failure));
    } else if (reply instanceof Rejected rejected) {
      Long leadId = slotRequests.remove(rejected.requestId());
      Integer attempt = leadId == null ? null : state.inFlight().get(leadId);
      if (attempt != null) {
        log.info("campaign {} lead {}: no call slot ({}), withdrawn until later", campaignId, leadId,
            rejected.reason());
        withdraw(leadId, attempt, now().plus(ports.retryLater()));
      }
    } else if (reply instanceof Revoked revoked) {
      Long leadId = leadBySlot.remove(revoked.lease().value());
      Integer attempt = leadId == null ? null : state.inFlight().get(leadId);
      if (leadId != null) {
        slots.remove(leadId);
      }
      if (attempt != null && leadsInFlight.containsKey(leadId) && settling.add(leadId)) {
        log.warn("campaign {} lead {}: no outcome within the call slot's max hold; settled as failed", campaignId,
            leadId);
        settle(state, leadsInFlight.get(leadId), attempt, CallOutcome.FAILED, 0, null,
            "no outcome was reported in time", 0, null, false, null);
      }
    }
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onPlacement(CampaignState state, PlacementDone done) {
    LeadToDial lead = leadsInFlight.get(done.leadId());
    if (lead == null || !state.inFlight().containsKey(done.leadId())) {
      releaseSlot(done.leadId(), false);
      return effects.get().noReply();
    }
    if (done.failure() != null) {
      releaseSlot(done.leadId(), true);
      if (settling.add(done.leadId())) {
        settle(state, lead, done.attempt(), CallOutcome.FAILED, 0, null,
            "the provider did not place the call: " + done.failure().getMessage(), 0, null, false, null);
      }
    } else if (done.placement() instanceof PlaceCallResult.Placed placed) {
      log.debug("campaign {} lead {} attempt {}: call {} placed", campaignId, done.leadId(), done.attempt(),
          placed.callId());
    } else if (done.placement() instanceof PlaceCallResult.RateLimited limited) {
      // Throttle before the release, so the cap counts the calls the provider did accept.
      ports.throttleCalls().accept(limited.retryAfter());
      releaseSlot(done.leadId(), false);
      withdraw(done.leadId(), done.attempt(), now().plus(limited.retryAfter()));
    } else if (done.placement() instanceof PlaceCallResult.Permanent refused && settling.add(done.leadId())) {
      releaseSlot(done.leadId(), false);
      settle(state, lead, done.attempt(), CallOutcome.INVALID_NUMBER, 0, null, refused.reason(), 0, null, false,
          null);
    }
    return effects.get().noReply();
  }

  ReplyEffect<CampaignEvent, CampaignState> onReport(CampaignState state, ReportOutcome command) {
    CallReport report = command.report();
    Integer attempt = state.inFlight().get(report.leadId());
    if (attempt == null || attempt != report.attempt() || !settling.add(report.leadId())) {
      // Already settled, never dialled, or settling now: the lead table already has (or is getting) it.
      return effects.get().reply(command.replyTo(), Done.getInstance());
    }
    releaseSlot(report.leadId(), report.outcome() == CallOutcome.FAILED);
    LeadToDial lead = leadsInFlight.get(report.leadId());
    if (lead != null) {
      return onReportReady(state, new ReportReady(command, lead, null));
    }
    context.pipeToSelf(ports.leads().lead(campaignId, report.leadId()),
        (loaded, failure) -> new ReportReady(command, loaded, failure));
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onReportReady(CampaignState state, ReportReady ready) {
    CallReport report = ready.command().report();
    if (ready.failure() != null) {
      settling.remove(report.leadId());
      log.warn("campaign {} lead {}: could not load the lead for its report; the report stays unprocessed: {}",
          campaignId, report.leadId(), ready.failure().toString());
      return effects.get().noReply();
    }
    if (report.outcome() == CallOutcome.ANSWERED && ports.refiner().isPresent()) {
      // The classifier may take seconds: no database permit is held while it runs.
      context.pipeToSelf(ports.refiner().get().refine(report, ready.lead()),
          (refinement, failure) -> new Refined(ready.command(), ready.lead(), refinement, failure));
      return effects.get().noReply();
    }
    return onRefined(state, new Refined(ready.command(), ready.lead(), null, null));
  }

  private ReplyEffect<CampaignEvent, CampaignState> onRefined(CampaignState state, Refined refined) {
    CallReport report = refined.command().report();
    int score = report.score();
    String label = null;
    if (refined.refinement() != null) {
      score = refined.refinement().score();
      label = refined.refinement().label();
    } else if (refined.failure() != null) {
      log.warn("campaign {} lead {}: classifier failed, keeping the provider's score {}: {}", campaignId,
          report.leadId(), score, refined.failure().toString());
    }
    settle(state, refined.lead(), report.attempt(), report.outcome(), score, label, report.summary(),
        report.durationSeconds(), report.callId(), report.outcome() == CallOutcome.DO_NOT_CALL,
        refined.command().replyTo());
    return effects.get().noReply();
  }

  private void settle(CampaignState state, LeadToDial lead, int attempt, CallOutcome outcome, int score,
      String label, String summary, int durationSeconds, String callId, boolean addToDoNotCall,
      ActorRef<Done> replyTo) {
    settling.add(lead.leadId());
    Instant retryAt = retryAt(state, outcome, attempt);
    boolean hot = retryAt == null && outcome == CallOutcome.ANSWERED && score >= state.terms().hotThreshold();
    Settlement settlement = new Settlement(lead.leadId(), attempt, outcome, score, label, summary, durationSeconds,
        callId, hot, retryAt);
    var written = ports.leads().settle(campaignId, settlement);
    if (addToDoNotCall) {
      written = written.thenCompose(applied -> ports.leads()
          .addToDoNotCall(state.terms().workspaceId(), lead.phone(), "call outcome DO_NOT_CALL")
          .thenApply(done -> applied));
    }
    context.pipeToSelf(written, (applied, failure) ->
        new Settled(settlement, lead.phone(), addToDoNotCall, replyTo, failure));
  }

  /** When the lead is called again under the campaign's retry policy; null when this attempt was its last. */
  private Instant retryAt(CampaignState state, CallOutcome outcome, int attempt) {
    RetryPolicy.Decision decision = RetryPolicy.of(state.terms().retries()).decide(outcome, attempt, now());
    return decision instanceof RetryPolicy.RetryAt retry ? retry.at() : null;
  }


  private ReplyEffect<CampaignEvent, CampaignState> onSettled(CampaignState state, Settled settled) {
    Settlement settlement = settled.settlement();
    if (settled.failure() != null) {
      settling.remove(settlement.leadId());
      log.warn("campaign {} lead {}: settlement not written ({}); the provider's report stays unprocessed",
          campaignId, settlement.leadId(), settled.failure().toString());
      return effects.get().noReply();
    }
    return effects.get().persist(new CampaignEvent.OutcomeRecorded(settlement.leadId(), settlement.attempt(),
            settlement.outcome(), settlement.finalForLead(), settlement.hot()))
        .thenRun(after -> {
          settling.remove(settlement.leadId());
          leadsInFlight.remove(settlement.leadId());
          if (settled.replyTo() != null) {
            settled.replyTo().tell(Done.getInstance());
          }
          context.getSelf().tell(MaybeComplete.INSTANCE);
          dialMore();
        })
        .thenNoReply();
  }

  private void withdraw(long leadId, int attempt, Instant retryAt) {
    context.pipeToSelf(ports.leads().withdraw(campaignId, leadId, attempt, retryAt),
        (done, failure) -> new Withdrawn(leadId, attempt, retryAt, failure));
  }

  private ReplyEffect<CampaignEvent, CampaignState> onWithdrawn(CampaignState state, Withdrawn withdrawn) {
    if (withdrawn.failure() != null) {
      // The lead table still says DIALING: keep the attempt in flight so the next restart drives it again.
      log.warn("campaign {} lead {}: withdrawal not written: {}", campaignId, withdrawn.leadId(),
          withdrawn.failure().toString());
      return effects.get().noReply();
    }
    leadsInFlight.remove(withdrawn.leadId());
    return effects.get().persist(new CampaignEvent.DialWithdrawn(withdrawn.leadId(), withdrawn.attempt()))
        .thenRun(after -> scheduleNextWake())
        .thenNoReply();
  }

  private void releaseSlot(long leadId, boolean failed) {
    Lease lease = slots.remove(leadId);
    if (lease != null) {
      leadBySlot.remove(lease.id().value());
      // No latency: a call's length is the conversation's, not a sign of congestion.
      ports.callSlots().tell(new Release(lease.id(), null, failed));
    }
  }

  private ReplyEffect<CampaignEvent, CampaignState> onSummaryDone(CampaignState state, SummaryDone done) {
    if (done.failure() != null) {
      log.warn("campaign {}: summary email not handed over, trying again in {}: {}", campaignId,
          ports.retryLater(), done.failure().toString());
      timers.startSingleTimer("summary", SummaryRetry.INSTANCE, ports.retryLater());
      return effects.get().noReply();
    }
    if (state.summaryHandedOver()) {
      return effects.get().noReply();
    }
    return effects.get().persist(new CampaignEvent.SummaryHandedOver(now())).thenNoReply();
  }

  private Instant now() {
    return ports.clock().instant();
  }
}
