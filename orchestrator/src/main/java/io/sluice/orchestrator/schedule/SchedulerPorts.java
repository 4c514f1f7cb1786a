package io.sluice.orchestrator.schedule;

import io.sluice.config.ScheduleSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.database.GroupCommit;
import io.sluice.persistence.schedule.Firings;
import java.time.Clock;
import java.time.Duration;

/**
 * What the scheduler works with.
 *
 * @param timersEnabled false in serverless mode or with the schedules switched off: the scheduler then holds no
 *     timer and fires only on {@code RunDue}
 * @param retryLater how long after a failed database step it tries again
 * @param runEnds writes run ends (firing status, the schedule's last run) by group commit
 */
record SchedulerPorts(Database database, ScheduleActions actions, ScheduleMetrics metrics, Clock clock,
    ScheduleSettings settings, boolean timersEnabled, Duration retryLater, GroupCommit<Firings.RunEnd, Boolean> runEnds) {

  static GroupCommit<Firings.RunEnd, Boolean> runEnds(Database database) {
    return new GroupCommit<>(ends -> database.withConnection(null, "scheduler", "record-run-ends",
        Firings.finished(ends)), 500);
  }
}
