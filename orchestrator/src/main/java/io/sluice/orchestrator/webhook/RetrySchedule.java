package io.sluice.orchestrator.webhook;

import io.sluice.config.WebhookSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * When a message's attempts are due, per {@code sluice.webhooks.retry-schedule}: delay {@code i} (0-based) comes
 * before attempt {@code i + 1} of a series, the first counted from the queueing, every later one from the previous
 * attempt's failure; each delay is moved by a random fraction in [-jitter, +jitter] of itself, so that the retries
 * of one outage spread out. The series ends after as many attempts as the schedule has delays.
 */
final class RetrySchedule {
  private final List<Duration> delays;
  private final double jitter;
  private final Random random;

  RetrySchedule(WebhookSettings settings, Random random) {
    this.delays = settings.retrySchedule();
    this.jitter = settings.jitter();
    this.random = random;
  }

  /** When a series' first attempt is due, the series queued at {@code now}. */
  Instant firstDue(Instant now) {
    return now.plus(jittered(delays.get(0)));
  }

  /**
   * When the next attempt is due after a failed one; null when the failed one was the series' last.
   *
   * @param attemptsInSeries attempts of the series made, the failed one included
   * @param retryAfter the receiver's Retry-After, null if none: the next attempt comes no earlier
   */
  Instant nextDue(int attemptsInSeries, Instant failedAt, Duration retryAfter) {
    if (attemptsInSeries >= delays.size()) {
      return null;
    }
    Instant due = failedAt.plus(jittered(delays.get(attemptsInSeries)));
    if (retryAfter != null && due.isBefore(failedAt.plus(retryAfter))) {
      return failedAt.plus(retryAfter);
    }
    return due;
  }

  private Duration jittered(Duration delay) {
    if (jitter == 0 || delay.isZero()) {
      return delay;
    }
    double fraction = (random.nextDouble() * 2 - 1) * jitter;
    return delay.plusNanos(Math.round(delay.toNanos() * fraction));
  }
}
