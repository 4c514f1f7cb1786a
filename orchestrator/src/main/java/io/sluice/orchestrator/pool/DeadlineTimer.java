package io.sluice.orchestrator.pool;

import akka.actor.typed.javadsl.TimerScheduler;
import io.sluice.protocols.permit.PermitCommand;
import java.time.Duration;

/**
 * One single-shot timer that must fire by the earliest of a changing set of deadlines (wait deadlines of the queue,
 * hold deadlines of the leases). It is moved earlier when an earlier deadline appears and never later: a timer that
 * fires early finds nothing due and is re-armed for the earliest deadline still out, which the owner passes to
 * {@link #fired}. So no deadline is ever checked late, and there is no start/cancel churn per request.
 *
 * <p>Whether it is armed is tracked here rather than asked of the scheduler, so the supervisor's account of its timers
 * is the same under a real scheduler and under a test kit that only records timer effects.
 */
final class DeadlineTimer {
  private final TimerScheduler<PermitCommand> timers;
  private final PermitCommand tick;
  private long due = Long.MAX_VALUE;

  DeadlineTimer(TimerScheduler<PermitCommand> timers, PermitCommand tick) {
    this.timers = timers;
    this.tick = tick;
  }

  /** Makes sure the timer fires no later than {@code deadline} ({@link Long#MAX_VALUE}: nothing is due). */
  void ensureBy(long deadline, long now) {
    if (deadline < due) {
      due = deadline;
      timers.startSingleTimer(tick, tick, Duration.ofNanos(Math.max(0, deadline - now)));
    }
  }

  /** The timer fired and its due work was done: arm it for the earliest deadline still out. */
  void fired(long earliestRemaining, long now) {
    due = Long.MAX_VALUE;
    ensureBy(earliestRemaining, now);
  }

  void cancel() {
    due = Long.MAX_VALUE;
    timers.cancel(tick);
  }

  boolean armed() {
    return due != Long.MAX_VALUE;
  }
}
