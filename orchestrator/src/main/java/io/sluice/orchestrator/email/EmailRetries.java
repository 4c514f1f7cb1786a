package io.sluice.orchestrator.email;

import io.sluice.config.BackgroundSettings;
import io.sluice.orchestrator.background.BackgroundStatus;
import io.sluice.orchestrator.background.BackgroundWork;
import io.sluice.orchestrator.background.DueWorkReport;
import io.sluice.orchestrator.background.LastTick;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.email.EmailOutbox;
import io.sluice.persistence.email.OutboxRow;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owed emails' background work ({@code email-retry}): on a tick, one read of the outbox rows whose attempt is due
 * (composed but never attempted, or failed with a retry due) and an attempt for each, on the email dispatcher with no
 * permit held; the same read answers the next due attempt. In standalone mode each failed attempt waits for its retry
 * on a timer of its own instead ({@link OutboxDelivery}); the status counts those timers.
 */
public final class EmailRetries implements BackgroundWork {
  private static final Logger log = LoggerFactory.getLogger(EmailRetries.class);
  /** Rows one tick attempts at most; with more due, the tick answers "due now" and the cron calls again. */
  static final int PER_TICK = 500;

  private final Database database;
  private final OutboxDelivery delivery;
  private final boolean enabled;
  private final LastTick lastTick = new LastTick();

  EmailRetries(Database database, OutboxDelivery delivery, boolean enabled) {
    this.database = database;
    this.delivery = delivery;
    this.enabled = enabled;
  }

  @Override
  public String name() {
    return BackgroundSettings.EMAIL_RETRY;
  }

  @Override
  public CompletionStage<DueWorkReport> runDue(Instant now) {
    if (!enabled) {
      return CompletableFuture.completedFuture(new DueWorkReport(name(), 0, null));
    }
    return database.withConnection(null, name(), "due-emails", EmailOutbox.due(now, PER_TICK)).thenApply(work -> {
      for (OutboxRow row : work.due()) {
        delivery.retry(row).whenComplete((result, failure) -> {
          if (failure != null) {
            log.error("email retry could not be recorded: campaignId={} kind={} error={}", row.campaignId(),
                row.kind(), failure.toString());
          } else if (result.isPresent()) {
            log.info("tick: email attempt {} ended {}: campaignId={} kind={}", result.get().attempts(),
                result.get().outcome(), row.campaignId(), row.kind());
          }
        });
      }
      lastTick.ran(now, work.nextDue());
      if (!work.due().isEmpty()) {
        log.info("tick: retrying {} owed email(s); next due {}", work.due().size(), work.nextDue());
      }
      return new DueWorkReport(name(), work.due().size(), work.nextDue());
    });
  }

  @Override
  public CompletionStage<BackgroundStatus> status() {
    return CompletableFuture.completedFuture(new BackgroundStatus(name(), enabled, delivery.timers(),
        lastTick.lastRun(), lastTick.nextDue()));
  }
}
