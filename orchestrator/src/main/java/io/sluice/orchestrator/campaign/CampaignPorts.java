package io.sluice.orchestrator.campaign;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.permit.PermitCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a campaign entity talks to besides its journal, given to every entity by {@link Campaign#init}.
 *
 * @param callSlots the call-slot supervisor: a call in flight holds one of its permits from dial to outcome
 * @param throttleCalls lowers the call-slot limit for the given time (the provider answered 429 with Retry-After)
 * @param refiner the classifier, when one is configured
 * @param slotMaxWait how long a dial waits for a call slot before it is withdrawn and retried later
 * @param retryLater how long a withdrawn dial waits before it is due again
 * @param callEvents where settled calls are published ({@code call.completed}, {@code lead.hot})
 * @param activity this node's counters (timers, attempts in flight), shared by all its entities
 * @param armsTimers whether entities keep timers for their due work; false in serverless mode or with the campaign
 *     scheduler switched off, when a tick wakes them instead
 */
public record CampaignPorts(
    LeadBook leads,
    CallPlacer placer,
    Optional<CallRefiner> refiner,
    SummaryOutbox summaries,
    WindowClock windows,
    ActorRef<PermitCommand> callSlots,
    Consumer<Duration> throttleCalls,
    Clock clock,
    Duration slotMaxWait,
    Duration retryLater,
    CallEvents callEvents,
    CampaignActivity activity,
    boolean armsTimers) {

  /** Standalone: timers armed, counted in a fresh {@link CampaignActivity}. */
  public CampaignPorts(LeadBook leads, CallPlacer placer, Optional<CallRefiner> refiner, SummaryOutbox summaries,
      WindowClock windows, ActorRef<PermitCommand> callSlots, Consumer<Duration> throttleCalls, Clock clock,
      Duration slotMaxWait, Duration retryLater, CallEvents callEvents) {
    this(leads, placer, refiner, summaries, windows, callSlots, throttleCalls, clock, slotMaxWait, retryLater,
        callEvents, new CampaignActivity(), true);
  }
}
