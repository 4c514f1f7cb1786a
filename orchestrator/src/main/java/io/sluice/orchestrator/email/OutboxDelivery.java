package io.sluice.orchestrator.email;

import akka.actor.typed.ActorSystem;
import akka.pattern.Patterns;
import io.sluice.config.EmailSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.email.EmailOutbox;
import io.sluice.persistence.email.OutboxRow;
import io.sluice.persistence.email.OutboxState;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one owed email (a claimed outbox row with its spooled message) until it is sent or its attempts are used
 * up. Each attempt reads the spooled {@code .eml} and hands it to the transport on the email dispatcher, holding no
 * database permit; only then is the outcome written, under a short permit of its own. A failure is written as FAILED
 * with its error, the attempt count and the time of the next attempt, and exactly one scheduler timer waits for that
 * time: there is no polling, and after a restart {@link SummaryEmailer#resumePending} finds the same time in the row.
 *
 * <p>The backoff doubles from {@code min-backoff} up to {@code max-backoff}, each delay stretched by a random share
 * up to {@code random-factor} so that emails failing together do not retry together. It is computed here rather than
 * inside Akka's {@code Patterns.retry} because the row must state when the next attempt is due.
 *
 * <p>Without timers (serverless mode, or {@code sluice.background.email-retry.enabled} off) a failure is written the
 * same way but nothing waits for it: the call answers {@link SummaryEmailResult.Outcome#OWED} and the row's
 * {@code next_attempt_at} is where a tick ({@link EmailRetries}) finds it. An email has at most one attempt under way
 * in this process at a time ({@link #retry} re-reads the row under that guard, so a tick never repeats an attempt that
 * ended while it was reading).
 *
 * <p>Delivery is at least once towards the relay: a crash after the relay accepted the message and before SENT was
 * written sends it again on resume. The outcome writes are retried a few times to keep that window small.
 */
final class OutboxDelivery {
  private static final Logger log = LoggerFactory.getLogger(OutboxDelivery.class);
  /** Retries of the short outcome writes (a permit can be briefly unavailable under load). */
  private static final int WRITE_ATTEMPTS = 5;
  private static final Duration WRITE_MIN_BACKOFF = Duration.ofMillis(200);
  private static final Duration WRITE_MAX_BACKOFF = Duration.ofSeconds(5);

  private final Database database;
  private final MailTransport transport;
  private final EmailSettings.Retry retry;
  private final Executor emailExecutor;
  private final ActorSystem<?> system;
  private final Clock clock;
  private final boolean armsTimers;
  /** The emails (campaign id and kind) with an attempt under way: from its start until its outcome is written. */
  private final Set<String> attempting = ConcurrentHashMap.newKeySet();
  private final AtomicInteger waiting = new AtomicInteger();

  OutboxDelivery(Database database, MailTransport transport, EmailSettings.Retry retry, Executor emailExecutor,
      ActorSystem<?> system, Clock clock, boolean armsTimers) {
    this.database = database;
    this.transport = transport;
    this.retry = retry;
    this.emailExecutor = emailExecutor;
    this.system = system;
    this.clock = clock;
    this.armsTimers = armsTimers;
  }

  /** Whether a failed attempt waits for its retry on a timer here; false when a tick retries it. */
  boolean armsTimers() {
    return armsTimers;
  }

  /** Attempts under way now (for exit-on-idle). */
  int attemptsInFlight() {
    return attempting.size();
  }

  /** Timers waiting for a retry's due time now (for {@code /health}). */
  int timers() {
    return waiting.get();
  }

  /**
   * A tick's retry of {@code seen}, a row its read found due: re-read under the one-attempt guard, and attempted only
   * if it is still owed as seen (no attempt recorded since). Answers empty when it was not attempted.
   */
  CompletionStage<Optional<SummaryEmailResult>> retry(OutboxRow seen) {
    String key = key(seen);
    if (!attempting.add(key)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return database.withConnection(null, SummaryEmailer.owner(seen.campaignId()), "email-reread",
            EmailOutbox.find(seen.campaignId(), seen.kind()))
        .thenCompose(current -> {
          boolean unchanged = current.isPresent() && current.get().state() == seen.state()
              && current.get().attempts() == seen.attempts() && current.get().nextAttemptAt() != null
              && !current.get().nextAttemptAt().isAfter(clock.instant());
          if (!unchanged) {
            attempting.remove(key);
            return CompletableFuture.completedFuture(Optional.<SummaryEmailResult>empty());
          }
          return attempted(current.get()).thenApply(Optional::of);
        })
        .whenComplete((result, failure) -> {
          if (failure != null) {
            attempting.remove(key);
          }
        });
  }

  /** Delivers {@code row}, first waiting for its {@code nextAttemptAt} if that is still ahead. */
  CompletionStage<SummaryEmailResult> deliver(OutboxRow row) {
    Duration wait = row.nextAttemptAt() == null ? Duration.ZERO : Duration.between(clock.instant(), row.nextAttemptAt());
    return wait.isNegative() || wait.isZero() ? attempt(row) : later(wait, row);
  }

  private CompletionStage<SummaryEmailResult> later(Duration wait, OutboxRow row) {
    if (!armsTimers) {
      return CompletableFuture.completedFuture(owed(row));
    }
    waiting.incrementAndGet();
    return Patterns.after(wait, system.classicSystem().scheduler(), system.executionContext(), () -> {
      waiting.decrementAndGet();
      return attempt(row);
    });
  }

  private CompletionStage<SummaryEmailResult> attempt(OutboxRow row) {
    if (!attempting.add(key(row))) {
      // A tick's retry of the same email is under way.
      return CompletableFuture.completedFuture(owed(row));
    }
    return attempted(row);
  }

  /** Sends {@code row}, whose attempt guard is held, writes the outcome and then lets the guard go. */
  private CompletionStage<SummaryEmailResult> attempted(OutboxRow row) {
    int attempt = row.attempts() + 1;
    return CompletableFuture.supplyAsync(() -> send(row), emailExecutor)
        .handle((deliveredTo, failure) -> failure == null
            ? sent(row, attempt, deliveredTo)
            : failed(row, attempt, failure instanceof CompletionException ? failure.getCause() : failure))
        .thenCompose(next -> next);
  }

  private static SummaryEmailResult owed(OutboxRow row) {
    return new SummaryEmailResult(row.campaignId(), SummaryEmailResult.Outcome.OWED, row.state(), row.attempts(),
        row.lastError());
  }

  private static String key(OutboxRow row) {
    return row.campaignId() + "/" + row.kind();
  }

  /** Blocking: reads the spooled message (streamed from the file, not loaded) and delivers it. */
  private String send(OutboxRow row) {
    try (SharedFileInputStream in = new SharedFileInputStream(row.emlPath())) {
      MimeMessage message = new MimeMessage(transport.session(), in);
      return transport.deliver(message, SummaryComposer.fileSafe(row.campaignId()) + "-" + row.kind());
    } catch (IOException | MessagingException e) {
      throw new CompletionException(e);
    }
  }

  private CompletionStage<SummaryEmailResult> sent(OutboxRow row, int attempt, String deliveredTo) {
    return write(row, "record-sent",
        EmailOutbox.recordSent(row.campaignId(), row.kind(), attempt, clock.instant(), deliveredTo))
        .whenComplete((changed, failure) -> attempting.remove(key(row)))
        .thenApplyAsync(changed -> {
          deleteSpooled(row);
          log.info("email sent: campaignId={} kind={} attempts={} deliveredTo={}", row.campaignId(), row.kind(),
              attempt, deliveredTo == null ? "smtp" : deliveredTo);
          return new SummaryEmailResult(row.campaignId(), SummaryEmailResult.Outcome.SENT, OutboxState.SENT,
              attempt, null);
        }, emailExecutor);
  }

  private CompletionStage<SummaryEmailResult> failed(OutboxRow row, int attempt, Throwable failure) {
    String error = describe(failure);
    if (attempt >= retry.maxAttempts()) {
      return write(row, "record-failure", EmailOutbox.recordFailure(row.campaignId(), row.kind(), attempt, error, null))
          .whenComplete((changed, writeFailure) -> attempting.remove(key(row)))
          .thenApply(changed -> {
            log.error("email not sent, attempts used up: campaignId={} kind={} attempts={} error={}",
                row.campaignId(), row.kind(), attempt, error);
            return new SummaryEmailResult(row.campaignId(), SummaryEmailResult.Outcome.GAVE_UP, OutboxState.FAILED,
                attempt, error);
          });
    }
    Duration delay = backoff(attempt);
    Instant next = clock.instant().plus(delay);
    return write(row, "record-failure", EmailOutbox.recordFailure(row.campaignId(), row.kind(), attempt, error, next))
        .whenComplete((changed, writeFailure) -> attempting.remove(key(row)))
        .thenCompose(changed -> {
          log.warn("email attempt failed, retrying: campaignId={} kind={} attempt={} of {} retryIn={} retryBy={}"
              + " error={}", row.campaignId(), row.kind(), attempt, retry.maxAttempts(), delay,
              armsTimers ? "timer" : "tick", error);
          return later(delay, new OutboxRow(row.campaignId(), row.kind(), OutboxState.FAILED, attempt, error, null,
              next, row.recipient(), row.createdAt(), null, row.emlPath()));
        });
  }

  /**
   * The failure and its causes on one line: a mail exception's own message is often only "Exception reading
   * response", the cause says why (a socket time-out, a refused connection, a TLS handshake).
   */
  static String describe(Throwable failure) {
    StringBuilder error = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (error.length() > 0) {
        error.append(" <- ");
      }
      error.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
    }
    return error.toString().replaceAll("\\s+", " ");
  }

  /** The wait after {@code failedAttempts} failures: exponential, capped, with jitter. */
  Duration backoff(int failedAttempts) {
    double exponential = retry.minBackoff().toMillis() * Math.pow(2, failedAttempts - 1);
    double capped = Math.min(retry.maxBackoff().toMillis(), exponential);
    double jitter = 1.0 + ThreadLocalRandom.current().nextDouble() * retry.randomFactor();
    return Duration.ofMillis((long) (capped * jitter));
  }

  private <T> CompletionStage<T> write(OutboxRow row, String purpose, JdbcWork<T> work) {
    return Patterns.retry(() -> database.withConnection(null, SummaryEmailer.owner(row.campaignId()), purpose, work),
        WRITE_ATTEMPTS, WRITE_MIN_BACKOFF, WRITE_MAX_BACKOFF, 0.2, system);
  }

  private static void deleteSpooled(OutboxRow row) {
    try {
      Files.deleteIfExists(Path.of(row.emlPath()));
    } catch (IOException e) {
      log.warn("spooled message of a sent email not deleted: campaignId={} path={} error={}", row.campaignId(),
          row.emlPath(), e.toString());
    }
  }
}
