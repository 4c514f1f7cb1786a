package io.sluice.orchestrator.email;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import io.sluice.config.EmailSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.email.EmailOutbox;
import io.sluice.persistence.email.OutboxRow;
import io.sluice.protocols.campaign.HotLead;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each campaign's summary email exactly once, through the {@code email_outbox} table.
 *
 * <p>The row keyed by (campaign, {@value #KIND}) decides: {@link #send} first looks for it and does nothing more if
 * it exists (a completion replayed after a crash). Otherwise it checks the gates: the feature flag
 * {@code sluice.email.campaign-summary.enabled} and the owner's notification preference. A closed gate is recorded as
 * a SKIPPED row with its reason and logged at INFO: a summary is never dropped silently. With both gates open the
 * message is composed in one pass over the hot leads and spooled to disk, and only then claimed by inserting a PENDING
 * row: of two concurrent sends both may compose, but the primary key lets one insert, and the other deletes its spool
 * and reports {@link SummaryEmailResult.Outcome#ALREADY_RECORDED}. The winner delivers ({@link OutboxDelivery}) with
 * retries. Every database step is its own short permit; none is held while composing or talking SMTP.
 *
 * <p>Rows left PENDING or FAILED-with-a-retry-due by a stop or crash are picked up by {@link #resumePending}, called
 * once at start-up: one read, then each row waits for its own due time. Their spooled messages are sent as composed.
 * Without timers (serverless mode, or {@code sluice.background.email-retry.enabled} off) nothing waits in the
 * process: start-up resumes nothing, a failed attempt leaves its due time in the row, and a tick's
 * {@link EmailRetries} retries what is due.
 *
 * <p>Mail I/O runs on {@value #EMAIL_DISPATCHER} (see reference.conf for why not on Akka's blocking-io dispatcher).
 */
public final class SummaryEmailer {
  private static final Logger log = LoggerFactory.getLogger(SummaryEmailer.class);
  /** The outbox kind of campaign summaries. */
  public static final String KIND = "campaign-summary";
  public static final String EMAIL_DISPATCHER = "sluice.email-dispatcher";
  static final String FLAG_OFF = "feature flag sluice.email.campaign-summary.enabled is off";
  static final String PREFERENCE_OFF = "the owner's notification preference is off";

  private final EmailSettings settings;
  private final Database database;
  private final SummaryComposer composer;
  private final OutboxDelivery delivery;
  private final Executor emailExecutor;
  private final Clock clock;

  private SummaryEmailer(EmailSettings settings, Database database, SummaryComposer composer, OutboxDelivery delivery,
      Executor emailExecutor, Clock clock) {
    this.settings = settings;
    this.database = database;
    this.composer = composer;
    this.delivery = delivery;
    this.emailExecutor = emailExecutor;
    this.clock = clock;
  }

  /** The emailer for {@code settings} (transport chosen by {@code sluice.email.transport}), on the system clock. */
  public static SummaryEmailer create(EmailSettings settings, Database database, ActorSystem<?> system) {
    return create(settings, database, system, Clock.systemUTC());
  }

  public static SummaryEmailer create(EmailSettings settings, Database database, ActorSystem<?> system, Clock clock) {
    return create(settings, database, system, clock, true);
  }

  /** @param armsTimers whether a failed attempt waits for its retry on a timer; false when a tick retries it */
  public static SummaryEmailer create(EmailSettings settings, Database database, ActorSystem<?> system, Clock clock,
      boolean armsTimers) {
    Executor emailExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig(EMAIL_DISPATCHER));
    InternetAddress from;
    try {
      from = new InternetAddress(settings.from(), true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("sluice.email.from is not an email address: " + e.getMessage(), e);
    }
    SummaryComposer composer = new SummaryComposer(Path.of(settings.spoolDir()), from,
        Materializer.matFromSystem(system), emailExecutor, EMAIL_DISPATCHER);
    OutboxDelivery delivery = new OutboxDelivery(database, MailTransport.from(settings), settings.retry(),
        emailExecutor, system, clock, armsTimers);
    if (settings.campaignSummaryEnabled()) {
      log.info("campaign summary emails enabled: transport={}", settings.transport());
    } else {
      log.warn("campaign summary emails DISABLED by sluice.email.campaign-summary.enabled: every summary is recorded"
          + " as SKIPPED, none is sent");
    }
    return new SummaryEmailer(settings, database, composer, delivery, emailExecutor, clock);
  }

  /**
   * Sends the campaign's summary unless its outbox row already exists, or records why it is not sent.
   * {@code hotLeads} (ordered by score, best first) is run at most once, and not at all when the row exists or a gate
   * is closed. The stage completes when the outcome is final for this call: SENT, SKIPPED, GAVE_UP after the last
   * retry, or ALREADY_RECORDED; it fails only if the outbox itself could not be read or written, or the spool failed.
   *
   * @param ownerAllows the owner's notification preference for campaign summaries
   */
  public CompletionStage<SummaryEmailResult> send(CampaignSummary summary, Source<HotLead, ?> hotLeads,
      boolean ownerAllows) {
    String campaignId = summary.campaignId();
    return run(campaignId, "find", EmailOutbox.find(campaignId, KIND)).thenCompose(existing -> {
      if (existing.isPresent()) {
        return CompletableFuture.completedFuture(alreadyRecorded(existing.get()));
      }
      if (!settings.campaignSummaryEnabled()) {
        return skip(summary, FLAG_OFF);
      }
      if (!ownerAllows) {
        return skip(summary, PREFERENCE_OFF);
      }
      InternetAddress to;
      try {
        to = new InternetAddress(recipient(summary), true);
      } catch (AddressException e) {
        return undeliverable(summary, "owner address '" + recipient(summary) + "' is not usable: " + e.getMessage());
      }
      return composer.compose(summary, to, hotLeads).thenCompose(eml -> claimAndDeliver(summary, eml));
    });
  }

  /**
   * Resumes every email left owed by an earlier run, from one read of the outbox; call once at start-up. Answers how
   * many were resumed; each then completes (or retries) on its own, logged by campaign id.
   */
  public CompletionStage<Integer> resumePending() {
    if (!delivery.armsTimers()) {
      log.info("owed emails are not resumed at start-up: a tick retries them when due (email-retry keeps no timers)");
      return CompletableFuture.completedFuture(0);
    }
    return database.withConnection(null, "email-outbox", "resume-owed", EmailOutbox.owed()).thenApply(rows -> {
      for (OutboxRow row : rows) {
        log.info("resuming owed email: campaignId={} kind={} state={} attempts={} due={}", row.campaignId(),
            row.kind(), row.state(), row.attempts(), row.nextAttemptAt());
        delivery.deliver(row).whenComplete((result, failure) -> {
          if (failure != null) {
            log.error("resumed email could not be recorded: campaignId={} kind={} error={}", row.campaignId(),
                row.kind(), failure.toString());
          }
        });
      }
      return rows.size();
    });
  }

  /** The emails' part of a tick and of {@code /health}'s background view ({@code email-retry}). */
  public EmailRetries retries(boolean enabled) {
    return new EmailRetries(database, delivery, enabled);
  }

  /** Email attempts under way now, for exit-on-idle; never blocks. */
  public int attemptsInFlight() {
    return delivery.attemptsInFlight();
  }

  /** The flag, the transport and the outbox counts, for {@code /health}. */
  public CompletionStage<EmailHealth> health() {
    return database.withConnection(null, "email-outbox", "health", EmailOutbox.counts())
        .thenApply(counts -> EmailHealth.of(settings, counts, clock.instant()));
  }

  /** The flag and the transport without the outbox counts: for serverless mode, where health must not query. */
  public EmailHealth healthWithoutOutbox() {
    return EmailHealth.withoutOutbox(settings);
  }

  /** The permit owner of the work done for one campaign's email. */
  static String owner(String campaignId) {
    return "email-" + campaignId;
  }

  private CompletionStage<SummaryEmailResult> skip(CampaignSummary summary, String reason) {
    OutboxRow row = OutboxRow.skipped(summary.campaignId(), KIND, recipient(summary), reason, clock.instant());
    return claim(row).thenCompose(won -> {
      if (!won) {
        return reread(summary.campaignId());
      }
      log.info("campaign summary email skipped: campaignId={} reason={}", summary.campaignId(), reason);
      return CompletableFuture.completedFuture(new SummaryEmailResult(summary.campaignId(),
          SummaryEmailResult.Outcome.SKIPPED, row.state(), 0, reason));
    });
  }

  private CompletionStage<SummaryEmailResult> undeliverable(CampaignSummary summary, String error) {
    OutboxRow row = OutboxRow.undeliverable(summary.campaignId(), KIND, recipient(summary), error, clock.instant());
    return claim(row).thenCompose(won -> {
      if (!won) {
        return reread(summary.campaignId());
      }
      log.error("campaign summary email not sent: campaignId={} error={}", summary.campaignId(), error);
      return CompletableFuture.completedFuture(new SummaryEmailResult(summary.campaignId(),
          SummaryEmailResult.Outcome.GAVE_UP, row.state(), 0, error));
    });
  }

  private CompletionStage<SummaryEmailResult> claimAndDeliver(CampaignSummary summary, Path eml) {
    OutboxRow row = OutboxRow.pending(summary.campaignId(), KIND, recipient(summary), eml.toString(), clock.instant());
    return claim(row).handleAsync((won, failure) -> {
      if (failure != null || !won) {
        // Lost the race (or the claim failed): this spooled copy will never be sent.
        deleteQuietly(eml);
      }
      if (failure != null) {
        return CompletableFuture.<SummaryEmailResult>failedFuture(failure);
      }
      return won ? delivery.deliver(row) : reread(summary.campaignId());
    }, emailExecutor).thenCompose(next -> next);
  }

  private CompletionStage<Boolean> claim(OutboxRow row) {
    return run(row.campaignId(), "claim", EmailOutbox.claim(row));
  }

  /** Another call claimed the row first: report what it recorded. */
  private CompletionStage<SummaryEmailResult> reread(String campaignId) {
    return run(campaignId, "find", EmailOutbox.find(campaignId, KIND))
        .thenApply(existing -> alreadyRecorded(existing.orElseThrow()));
  }

  private static SummaryEmailResult alreadyRecorded(OutboxRow row) {
    log.info("campaign summary email already recorded, not sent again: campaignId={} state={} attempts={}",
        row.campaignId(), row.state(), row.attempts());
    return new SummaryEmailResult(row.campaignId(), SummaryEmailResult.Outcome.ALREADY_RECORDED, row.state(),
        row.attempts(), row.skipReason() != null ? row.skipReason() : row.lastError());
  }

  private <T> CompletionStage<T> run(String campaignId, String purpose, JdbcWork<T> work) {
    return database.withConnection(null, owner(campaignId), "email-" + purpose, work);
  }

  private static String recipient(CampaignSummary summary) {
    return summary.ownerEmail() == null ? "" : summary.ownerEmail();
  }

  private static void deleteQuietly(Path eml) {
    try {
      Files.deleteIfExists(eml);
    } catch (IOException e) {
      log.warn("spooled message not deleted: path={} error={}", eml, e.toString());
    }
  }
}
