package io.sluice.orchestrator.campaign;

import akka.actor.typed.javadsl.ActorContext;
import akka.persistence.typed.javadsl.EffectFactories;
import akka.persistence.typed.javadsl.ReplyEffect;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import java.util.function.Supplier;

/**
 * A completed campaign's summary email, handed over to the email outbox once: the hand-over is journaled
 * ({@code SummaryHandedOver}) only after the outbox took it, so a crash in between hands it over again (the outbox
 * keeps one summary per campaign). A failed hand-over is tried again after {@code retryLater}: by a timer while the
 * campaign holds timers, otherwise by the wake-up its read-side row then names, which a tick finds.
 */
final class SummaryHandOver {
  static final String TIMER = "summary";

  /** Internal steps of the hand-over. */
  interface Step extends Dialler.Step {}

  /** The outbox took the summary, or failed to. */
  record HandOverDone(Throwable failure) implements Step {}

  /** The retry timer fired. */
  enum Retry implements Step { INSTANCE }

  private final String campaignId;
  private final ActorContext<CampaignCommand> context;
  private final CampaignTimers timers;
  private final CampaignPorts ports;
  private final Supplier<EffectFactories<CampaignEvent, CampaignState>> effects;

  SummaryHandOver(String campaignId, ActorContext<CampaignCommand> context, CampaignTimers timers,
      CampaignPorts ports, Supplier<EffectFactories<CampaignEvent, CampaignState>> effects) {
    this.campaignId = campaignId;
    this.context = context;
    this.timers = timers;
    this.ports = ports;
    this.effects = effects;
  }

  void handOver(CampaignState completed) {
    context.pipeToSelf(ports.summaries().handOver(completed.view(null)),
        (done, failure) -> new HandOverDone(failure));
  }

  ReplyEffect<CampaignEvent, CampaignState> onStep(CampaignState state, Step step) {
    if (step instanceof HandOverDone done) {
      return onDone(state, done);
    }
    // Retry: the timer fired.
    timers.fired(TIMER);
    handOver(state);
    return effects.get().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onDone(CampaignState state, HandOverDone done) {
    if (done.failure() != null) {
      context.getLog().warn("campaign {}: summary email not handed over, trying again in {}: {}", campaignId,
          ports.retryLater(), done.failure().toString());
      if (timers.armed()) {
        timers.start(TIMER, Retry.INSTANCE, ports.retryLater());
      } else {
        saveView(state.view(ports.clock().instant().plus(ports.retryLater())));
      }
      return effects.get().noReply();
    }
    if (state.summaryHandedOver()) {
      return effects.get().noReply();
    }
    return effects.get().persist(new CampaignEvent.SummaryHandedOver(ports.clock().instant()))
        .thenRun(handedOver -> {
          if (!timers.armed()) {
            saveView(handedOver.view(null));
          }
        })
        .thenNoReply();
  }

  private void saveView(CampaignView view) {
    context.pipeToSelf(ports.leads().saveView(view),
        (done, failure) -> new Dialler.ViewSaved(view.status(), failure));
  }
}
