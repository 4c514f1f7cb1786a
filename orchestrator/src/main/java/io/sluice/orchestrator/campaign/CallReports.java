package io.sluice.orchestrator.campaign;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.sluice.orchestrator.provider.ProviderEvent;
import io.sluice.protocols.campaign.CallReport;
import io.sluice.protocols.campaign.CampaignCommand;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The provider webhook's consumer: a verified, first-seen outcome event goes to its campaign's entity, wherever it
 * runs, and completes once the entity has recorded it (or found it already recorded), so the inbox can stamp the
 * event processed. A failed or timed-out stage leaves the event for redelivery at the next start-up.
 */
public final class CallReports implements Function<ProviderEvent, CompletionStage<Done>> {
  private final ActorSystem<?> system;
  private final Duration timeout;

  public CallReports(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> apply(ProviderEvent event) {
    CallReport report = new CallReport(event.eventId(), event.callId(), Long.parseLong(event.leadId()),
        event.attempt(), event.status(), Math.toIntExact(event.durationSeconds()),
        event.summary() == null ? "" : event.summary(), event.score() == null ? 0 : event.score());
    return ClusterSharding.get(system).entityRefFor(Campaign.ENTITY_KEY, event.campaignId())
        .<Done>ask(replyTo -> new CampaignCommand.ReportOutcome(report, replyTo), timeout);
  }
}
