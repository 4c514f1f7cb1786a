package io.sluice.orchestrator.webhook;

import io.sluice.config.BackgroundSettings;
import io.sluice.orchestrator.background.BackgroundStatus;
import io.sluice.orchestrator.background.BackgroundWork;
import io.sluice.orchestrator.background.DueWorkReport;
import io.sluice.orchestrator.background.LastTick;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.webhook.Deliveries;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook deliveries' background work ({@code webhook-retry}): on a tick, one read of the endpoints with a
 * pending delivery due, and a wake to each (the entity starts what its plan allows now); the same read answers the
 * next due attempt. In standalone mode each endpoint's entity keeps its own single timer instead; the status counts
 * those timers.
 */
final class WebhookRetries implements BackgroundWork {
  private static final Logger log = LoggerFactory.getLogger(WebhookRetries.class);

  private final Database database;
  private final EndpointEntities entities;
  private final WebhookActivity activity;
  private final boolean enabled;
  private final LastTick lastTick = new LastTick();

  WebhookRetries(Database database, EndpointEntities entities, WebhookActivity activity, boolean enabled) {
    this.database = database;
    this.entities = entities;
    this.activity = activity;
    this.enabled = enabled;
  }

  @Override
  public String name() {
    return BackgroundSettings.WEBHOOK_RETRY;
  }

  @Override
  public CompletionStage<DueWorkReport> runDue(Instant now) {
    if (!enabled) {
      return CompletableFuture.completedFuture(new DueWorkReport(name(), 0, null));
    }
    return database.withConnection(null, name(), "due-deliveries", Deliveries.dueWork(now)).thenApply(work -> {
      work.due().forEach(entities::wake);
      lastTick.ran(now, work.nextDue());
      if (!work.due().isEmpty()) {
        log.info("tick: woke {} webhook endpoint(s) with deliveries due; next due {}", work.due().size(),
            work.nextDue());
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
