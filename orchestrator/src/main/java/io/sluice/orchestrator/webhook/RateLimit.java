package io.sluice.orchestrator.webhook;

import java.time.Duration;
import java.time.Instant;

/**
 * An endpoint's {@code rateLimit}: attempts start at least {@code 1 s / rateLimit} apart, so no second-long window
 * ever holds more than {@code rateLimit} starts. Spacing rather than a burst bucket: a receiver that asked for ten a
 * second is not sent ten at once. Arithmetic on the entity's clock; 0 means no limit.
 */
final class RateLimit {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private int perSecond;
  private Instant nextStart = Instant.MIN;

  /** Takes the endpoint's current limit; a changed limit applies from the next start. */
  void limit(int attemptsPerSecond) {
    this.perSecond = attemptsPerSecond;
  }

  /** Takes a start slot at {@code now} if one is free. */
  boolean take(Instant now) {
    if (perSecond <= 0) {
      return true;
    }
    if (now.isBefore(nextStart)) {
      return false;
    }
    nextStart = now.plus(Duration.ofNanos(NANOS_PER_SECOND / perSecond));
    return true;
  }

  /** When the next start slot frees. */
  Instant nextSlot() {
    return nextStart;
  }
}
