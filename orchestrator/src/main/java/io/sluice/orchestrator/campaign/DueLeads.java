package io.sluice.orchestrator.campaign;

import akka.actor.typed.javadsl.ActorContext;
import akka.persistence.typed.javadsl.EffectFactories;
import akka.persistence.typed.javadsl.ReplyEffect;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CampaignEvent.Dial;
import io.sluice.protocols.campaign.CampaignStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Which leads a running campaign dials next, and when it looks again. A look reads a page of due leads (one unit of
 * work), takes as many as the campaign's free concurrency allows whose calling window is open, journals them as one
 * {@code DialsStarted} and hands them to the {@link Dialler}; a full page is followed at once by another look, anything
 * less by a read of the earliest lead still waiting, for the campaign's one wake-up timer (none when nothing waits or
 * every call of the campaign is busy: a settling attempt looks again).
 *
 * <p>Looks never overlap: a request to look while one is under way is dropped, the running one sees its effect.
 */
final class DueLeads {
  static final String WAKE_TIMER = "wake";

  /** Internal steps of looking for due leads. */
  interface Step extends Dialler.Step {}

  enum DialMore implements Step { INSTANCE }

  enum WakeDue implements Step { INSTANCE }

  record DueLoaded(List<LeadToDial> leads, int limit, Throwable failure) implements Step {}

  record NextDueLoaded(Optional<Instant> at, Throwable failure) implements Step {}

  /** The dialling side, given the leads taken. */
  interface Dials {
    /** Attempts in flight whose lead row is DIALING: no due read finds them, so they need no room on a page. */
    int claimedInFlight();

    /** The leads, just journaled as dialling ({@code after} has them): claim and call them. */
    void dial(CampaignState after, List<LeadToDial> taken);
  }

  private final String campaignId;
  private final ActorContext<CampaignCommand> context;
  private final CampaignTimers timers;
  private final CampaignPorts ports;
  private final Supplier<EffectFactories<CampaignEvent, CampaignState>> effects;
  private final Dials dials;
  private final Logger log;
  private boolean loading;
  private Instant nextWakeAt;

  DueLeads(String campaignId, ActorContext<CampaignCommand> context, CampaignTimers timers,
      CampaignPorts ports, Supplier<EffectFactories<CampaignEvent, CampaignState>> effects, Dials dials) {
    this.campaignId = campaignId;
    this.context = context;
    this.timers = timers;
    this.ports = ports;
    this.effects = effects;
    this.dials = dials;
    this.log = context.getLog();
  }

  /**
   * When the campaign's next lead is due; null when none waits. Its one wake-up timer fires then, unless timers are
   * off (serverless mode), when a tick finds the lead due in the lead table instead.
   */
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

  ReplyEffect<CampaignEvent, CampaignState> onStep(CampaignState state, Step step) {
    if (step instanceof DueLoaded due) {
      return onDueLoaded(state, due);
    } else if (step instanceof NextDueLoaded next) {
      return onNextDue(state, next);
    }
    if (step instanceof WakeDue) {
      timers.fired(WAKE_TIMER);
      nextWakeAt = null;
    }
    return onDialMore(state);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onDialMore(CampaignState state) {
    if (state.status() == CampaignStatus.RUNNING && !loading && state.dialCapacity() > 0) {
      loading = true;
      // A due read also finds the attempts in flight whose row is still PENDING (not claimed yet): leave room.
      int limit = state.dialCapacity() + state.inFlight().size() - dials.claimedInFlight();
      log.debug("campaign {}: looking for up to {} due lead(s)", campaignId, limit);
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
    log.debug("campaign {}: {} due lead(s) found, capacity {}", campaignId, due.leads().size(), state.dialCapacity());
    Instant now = now();
    List<Dial> started = new ArrayList<>();
    List<LeadToDial> taken = new ArrayList<>();
    boolean deferred = false;
    for (LeadToDial lead : due.leads()) {
      if (started.size() >= state.dialCapacity()) {
        break;
      }
      if (state.inFlight().containsKey(lead.leadId())) {
        continue;
      }
      Optional<Instant> callable = ports.windows().callableFrom(now, lead.zones(), state.terms().windows());
      if (callable.isPresent() && !callable.get().isAfter(now)) {
        started.add(new Dial(lead.leadId(), lead.attempts() + 1));
        taken.add(lead);
      } else {
        // Never open together in all its zones (only a settings change can cause it after validation): look again
        // in a day rather than settle a lead that was never called.
        Instant until = callable.orElse(now.plus(Duration.ofDays(1)));
        deferred = true;
        context.pipeToSelf(ports.leads().defer(campaignId, lead.leadId(), until),
            (done, failure) -> new Dialler.ViewSaved(state.status(), failure));
      }
    }
    boolean fullPage = due.leads().size() >= due.limit();
    if (started.isEmpty()) {
      if (fullPage && !deferred) {
        dialMore();
      } else {
        scheduleNextWake();
      }
      return effects.get().noReply();
    }
    boolean lookAgain = fullPage && !deferred;
    return effects.get().persist(new CampaignEvent.DialsStarted(List.copyOf(started)))
        .thenRun(after -> {
          dials.dial(after, taken);
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

  void scheduleNextWake() {
    context.pipeToSelf(ports.leads().earliestDue(campaignId), NextDueLoaded::new);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onNextDue(CampaignState state, NextDueLoaded next) {
    log.debug("campaign {}: next due {}, capacity {}", campaignId, next.at(), state.dialCapacity());
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
    nextWakeAt = at;
    timers.start(WAKE_TIMER, WakeDue.INSTANCE, Duration.between(now(), at));
  }

  private Instant now() {
    return ports.clock().instant();
  }
}
