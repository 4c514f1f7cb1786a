package io.sluice.orchestrator.schedule;

import io.sluice.persistence.schedule.FiringRow;
import io.sluice.persistence.schedule.Firings;
import io.sluice.protocols.schedule.CatchUpPolicy;
import io.sluice.protocols.schedule.OverlapPolicy;
import java.time.Duration;
import java.time.Instant;

/**
 * What a due schedule's firing is, decided without the database: which due time it fires (if any), under which
 * kind and status, and where the schedule moves on to.
 *
 * <p>A due time at most {@code grace} old is on time and fires; earlier due times passed on the way were missed.
 * When even the latest due time is older than the grace (the service was down, or the scheduler far behind), the
 * catch-up policy decides: {@link CatchUpPolicy#SKIP_MISSED} fires nothing, {@link CatchUpPolicy#RUN_ONCE} fires
 * once for the latest. A firing while the previous run still goes is recorded SKIPPED, or QUEUED under
 * {@link OverlapPolicy#QUEUE_ONE} when none waits yet.
 */
final class FiringPlanner {
  /** Missed due times are counted up to this, for the metric. */
  private static final long MISSED_COUNT_CAP = 10_000;

  enum Disposition { START, QUEUE, SKIP_OVERLAP, SKIP_MISSED }

  /**
   * @param step the table write: the schedule's move and the firing row (null when nothing fires)
   * @param missed due times that passed unfired
   */
  record Plan(TrackedSchedule schedule, Firings.Step step, Disposition disposition, long missed) {
    Instant firingDue() {
      return step.firing() == null ? null : step.firing().dueAt();
    }
  }

  private final Duration grace;

  FiringPlanner(Duration grace) {
    this.grace = grace;
  }

  /** The schedule's step at {@code now}; its due time must not be after {@code now}. */
  Plan plan(TrackedSchedule schedule, Instant now, boolean running, boolean queued) {
    Instant first = schedule.nextDue();
    Instant latest = schedule.cadence().latestUpTo(first, now);
    Instant next = schedule.cadence().nextAfter(first, now).orElse(Instant.MAX);
    long missed = schedule.cadence().between(first, latest, MISSED_COUNT_CAP)
        + (latest.equals(first) ? 0 : 1);
    boolean onTime = Duration.between(latest, now).compareTo(grace) <= 0;
    String kind = "SCHEDULED";
    if (!onTime) {
      if (schedule.catchUp() == CatchUpPolicy.SKIP_MISSED) {
        return new Plan(schedule, new Firings.Step(schedule.id(), first, next, null), Disposition.SKIP_MISSED,
            missed + 1);
      }
      kind = "CATCH_UP";
    }
    Disposition disposition = disposition(schedule, running, queued);
    return new Plan(schedule, new Firings.Step(schedule.id(), first, next,
        firing(schedule.id(), latest, kind, disposition, now)), disposition, missed);
  }

  /** A firing outside the cadence (run now), keyed by {@code now}. */
  Plan manual(TrackedSchedule schedule, Instant now, boolean running, boolean queued) {
    Disposition disposition = disposition(schedule, running, queued);
    return new Plan(schedule, new Firings.Step(schedule.id(), schedule.nextDue(), schedule.nextDue(),
        firing(schedule.id(), now, "MANUAL", disposition, now)), disposition, 0);
  }

  /** The overlap policy: a firing starts, waits behind the run in progress, or is skipped. */
  private static Disposition disposition(TrackedSchedule schedule, boolean running, boolean queued) {
    if (!running) {
      return Disposition.START;
    }
    return schedule.overlap() == OverlapPolicy.QUEUE_ONE && !queued ? Disposition.QUEUE : Disposition.SKIP_OVERLAP;
  }

  private static FiringRow firing(String scheduleId, Instant due, String kind, Disposition disposition,
      Instant now) {
    String status = switch (disposition) {
      case START -> "RUNNING";
      case QUEUE -> "QUEUED";
      default -> "SKIPPED";
    };
    return new FiringRow(scheduleId, due, kind, status, now, disposition == Disposition.START ? now : null,
        disposition == Disposition.SKIP_OVERLAP ? now : null,
        disposition == Disposition.SKIP_OVERLAP ? "the previous run was still going" : null);
  }
}
