package io.sluice.orchestrator.schedule;

import io.sluice.persistence.schedule.ScheduleRow;
import io.sluice.protocols.schedule.Cadence;
import io.sluice.protocols.schedule.CatchUpPolicy;
import io.sluice.protocols.schedule.OverlapPolicy;
import io.sluice.protocols.schedule.ScheduleAction;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;

/**
 * A schedule as the scheduler holds it: what it needs to fire it, read from its row (its cadence parsed once).
 *
 * @param workspaceId null for a system schedule
 */
record TrackedSchedule(String id, String queue, String workspaceId, Cadences cadence, String payload,
    ScheduleAction action, OverlapPolicy overlap, CatchUpPolicy catchUp, boolean paused, Instant nextDue) {

  static TrackedSchedule of(ScheduleRow row) {
    Cadence cadence = row.intervalMillis() != null
        ? new Cadence.Every(Duration.ofMillis(row.intervalMillis()))
        : new Cadence.Cron(row.cron(), ZoneId.of(row.timeZone()));
    return new TrackedSchedule(row.id(), row.queue(), row.workspaceId(), Cadences.of(cadence), row.payload(),
        ScheduleRows.action(row.actionKind(), row.actionTarget()), OverlapPolicy.valueOf(row.overlapPolicy()),
        CatchUpPolicy.valueOf(row.catchUpPolicy()), row.paused(), row.nextDueAt());
  }

  TrackedSchedule dueAt(Instant next) {
    return new TrackedSchedule(id, queue, workspaceId, cadence, payload, action, overlap, catchUp, paused, next);
  }

  /** The owner a firing's database work is granted under, e.g. {@code schedule-<id>}. */
  String owner() {
    return "schedule-" + id;
  }

  String actionKind() {
    return ScheduleRows.actionKind(action).toLowerCase(Locale.ROOT);
  }
}
