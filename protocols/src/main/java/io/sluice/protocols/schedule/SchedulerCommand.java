package io.sluice.protocols.schedule;

import com.fasterxml.jackson.annotation.JsonCreator;
import akka.actor.typed.ActorRef;
import io.sluice.protocols.CborSerializable;
import java.time.Instant;

/**
 * What the scheduler accepts. The schedule table is the truth: registrations are written there first, then the
 * scheduler is told to read the one row that changed. Not sealed: its timer and internal steps implement it in the
 * orchestrator.
 */
public interface SchedulerCommand extends CborSerializable {

  /** A schedule was registered, changed, paused, resumed or deleted: read its row again. */
  record ScheduleChanged(String scheduleId) implements SchedulerCommand {
    @JsonCreator
    public ScheduleChanged {}
  }

  /** Fire the schedule now, once, outside its cadence (its next due time stays). */
  record RunNow(String scheduleId, ActorRef<RunNowReply> replyTo) implements SchedulerCommand {}

  /** Fire whatever is due at {@code now} (a serverless tick); answers what fired and the next due time. */
  record RunDue(Instant now, ActorRef<DueFired> replyTo) implements SchedulerCommand {}

  /** The scheduler's view for {@code /health}. */
  record GetStatus(ActorRef<SchedulerStatus> replyTo) implements SchedulerCommand {
    @JsonCreator
    public GetStatus {}
  }

  /** The answer to {@link RunNow}. */
  record RunNowReply(String scheduleId, boolean started, String reason) implements CborSerializable {}

  /**
   * The answer to {@link RunDue}.
   *
   * @param nextDue null when no schedule is due later
   */
  record DueFired(int fired, Instant nextDue) implements CborSerializable {}

  /**
   * @param schedules active (not paused) schedules it tracks
   * @param timers timers it holds: 1 while an active schedule exists in standalone mode, else 0
   * @param lastRun when it last fired anything; null if never since start
   * @param nextDue null when nothing is due
   */
  record SchedulerStatus(int schedules, int timers, int running, Instant lastRun, Instant nextDue)
      implements CborSerializable {}
}
