package io.sluice.orchestrator.pool;

import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Throttle;
import java.time.Duration;

/**
 * The cap a {@link Throttle} puts on a supervisor's limit until its Retry-After has passed. The cap is the permits
 * granted when the refusal arrived minus the refused one, never below the floor: the resource showed it takes no more
 * than that. A throttle that arrives while one is in force keeps the lower cap and the later end, so overlapping
 * refusals only ever tighten and lengthen it.
 *
 * <p>Not thread-safe: owned by one actor. Times are the supervisor's nanosecond clock.
 */
final class ThrottleCap {
  private final int floor;
  private int cap = Integer.MAX_VALUE;
  private long until = Long.MIN_VALUE;
  private long throttles;

  /** @param floor the cap never goes below this (at least 1, so one permit is always left to probe with) */
  ThrottleCap(int floor) {
    if (floor < 1) {
      throw new IllegalArgumentException("floor must be at least 1, was " + floor);
    }
    this.floor = floor;
  }

  /** Why a throttle cannot be applied, or null if it can. */
  static String problem(Throttle throttle) {
    Duration retryAfter = throttle.retryAfter();
    return retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()
        ? "retryAfter must be positive, was " + retryAfter
        : null;
  }

  /**
   * Applies a throttle received at {@code now} while {@code granted} permits are out.
   *
   * @return when the cap ends
   */
  long lower(Throttle throttle, int granted, long now) {
    throttles++;
    Duration retryAfter = throttle.retryAfter().compareTo(Throttle.LONGEST) > 0
        ? Throttle.LONGEST
        : throttle.retryAfter();
    int proposed = Math.max(floor, granted - 1);
    cap = inForce(now) ? Math.min(cap, proposed) : proposed;
    until = Math.max(until, now + retryAfter.toNanos());
    return until;
  }

  /** The cap on the limit at {@code now}; {@link Integer#MAX_VALUE} once the throttle has passed. */
  int cap(long now) {
    return inForce(now) ? cap : Integer.MAX_VALUE;
  }

  boolean inForce(long now) {
    return now < until;
  }

  /** When the cap ends, or {@link Long#MAX_VALUE} if none is in force. */
  long endsAt(long now) {
    return inForce(now) ? until : Long.MAX_VALUE;
  }

  PoolStats.ThrottleState state(long now) {
    return inForce(now)
        ? new PoolStats.ThrottleState(true, cap, Duration.ofNanos(until - now).toMillis(), throttles)
        : new PoolStats.ThrottleState(false, 0, 0, throttles);
  }
}
