package io.sluice.orchestrator.campaign;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.sluice.config.BackgroundSettings;
import io.sluice.orchestrator.background.BackgroundStatus;
import io.sluice.orchestrator.background.BackgroundWork;
import io.sluice.orchestrator.background.DueWorkReport;
import io.sluice.orchestrator.background.LastTick;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.campaign.Campaigns;
import io.sluice.protocols.campaign.CampaignCommand;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaigns' background work ({@code campaign-scheduler}): on a tick, one read of the campaigns with work due —
 * leads due in running campaigns, scheduled starts, owed summary hand-overs — and a {@link CampaignCommand.Wake} to
 * each; the same read answers the next due time. In standalone mode the entities' own timers do this and a tick is
 * not needed; its status counts those timers.
 */
public final class CampaignScheduler implements BackgroundWork {
  private static final Logger log = LoggerFactory.getLogger(CampaignScheduler.class);

  private final ClusterSharding sharding;
  private final Database database;
  private final CampaignActivity activity;
  private final boolean enabled;
  private final LastTick lastTick = new LastTick();

  public CampaignScheduler(ActorSystem<?> system, Database database, CampaignActivity activity, boolean enabled) {
    this.sharding = ClusterSharding.get(system);
    this.database = database;
    this.activity = activity;
    this.enabled = enabled;
  }

  @Override
  public String name() {
    return BackgroundSettings.CAMPAIGN_SCHEDULER;
  }

  @Override
  public CompletionStage<DueWorkReport> runDue(Instant now) {
    if (!enabled) {
      return CompletableFuture.completedFuture(new DueWorkReport(name(), 0, null));
    }
    return database.withConnection(null, name(), "due-campaigns", Campaigns.dueWork(now)).thenApply(work -> {
      work.due().forEach(id -> sharding.entityRefFor(Campaign.ENTITY_KEY, id).tell(CampaignCommand.Wake.INSTANCE));
      lastTick.ran(now, work.nextDue());
      if (!work.due().isEmpty()) {
        log.info("tick: woke {} campaign(s) with due work; next due {}", work.due().size(), work.nextDue());
      }
      return new DueWorkReport(name(), work.due().size(), work.nextDue());
    });
  }

  @Override
  public CompletionStage<BackgroundStatus> status() {
    return CompletableFuture.completedFuture(new BackgroundStatus(name(), enabled, activity.snapshot().timers(),
        lastTick.lastRun(), lastTick.nextDue()));
  }
}
