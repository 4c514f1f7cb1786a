package io.sluice.persistence.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.persistence.TablesContract;
import io.sluice.persistence.UniqueInsert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The schedule tables' rules, the same on PostgreSQL and H2. */
abstract class ScheduleTablesContract extends TablesContract {
  final String workspace = "ws-" + UUID.randomUUID();
  final String queue = "q-" + UUID.randomUUID().toString().substring(0, 8);
  final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  ScheduleRow row(String workspaceId, String payload, Long intervalMillis) {
    return new ScheduleRow("sch_" + UUID.randomUUID().toString().replace("-", ""), queue, workspaceId,
        intervalMillis, null, null, payload, "run-job", "count", "SKIP", "SKIP_MISSED", false, now.plusSeconds(60),
        null, null, null, 1, now, now);
  }

  @Test
  void aRepeatedRegistrationChangesNothingButItsCountAndAChangedOneUpdatesInPlace() throws SQLException {
    ScheduleRow first = row(workspace, "{}", 60_000L);
    assertEquals(Schedules.Change.CREATED, run(Schedules.register(first)).change());
    Schedules.Registration again = run(Schedules.register(row(workspace, "{}", 60_000L)));
    assertEquals(Schedules.Change.UNCHANGED, again.change());
    assertEquals(first.id(), again.row().id());
    assertEquals(2, again.row().registrations());
    Schedules.Registration changed = run(Schedules.register(row(workspace, "{\"a\":1}", 60_000L)));
    assertEquals(Schedules.Change.UPDATED, changed.change());
    assertEquals(first.nextDueAt(), changed.row().nextDueAt(), "same cadence: the due time stays");
    ScheduleRow recadenced = row(workspace, "{\"a\":1}", 120_000L);
    Schedules.Registration moved = run(Schedules.register(new ScheduleRow(recadenced.id(), queue, workspace,
        120_000L, null, null, "{\"a\":1}", "run-job", "count", "SKIP", "SKIP_MISSED", false, now.plusSeconds(120),
        null, null, null, 1, now, now)));
    assertEquals(now.plusSeconds(120), moved.row().nextDueAt(), "a new cadence: the new due time");
    assertEquals(1, count("SELECT count(*) FROM schedule WHERE queue = ?", queue));
  }

  @Test
  void systemSchedulesAreUniqueTooNullsNotDistinct() throws SQLException {
    for (int start = 0; start < 25; start++) {
      run(Schedules.register(row(null, "{}", 60_000L)));
    }
    assertEquals(1, count("SELECT count(*) FROM schedule WHERE queue = ? AND workspace_id IS NULL", queue));
    assertEquals(25, run(Schedules.find(null, queue)).orElseThrow().registrations());
    ScheduleRow duplicate = row(null, "{}", 60_000L);
    SQLException refused = assertThrows(SQLException.class, () -> run(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO schedule (" + Schedules.COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        Schedules.bind(insert, duplicate);
        return insert.executeUpdate();
      }
    }), "a plain insert of a second NULL-workspace row must violate the constraint");
    assertEquals(UniqueInsert.UNIQUE_VIOLATION, refused.getSQLState());
  }

  @Test
  void aStepAppliesOnlyToTheDueTimeItSawAndRecordsItsFiringWithIt() throws SQLException {
    ScheduleRow schedule = run(Schedules.register(row(workspace, "{}", 60_000L))).row();
    Instant due = schedule.nextDueAt();
    FiringRow firing = new FiringRow(schedule.id(), due, "SCHEDULED", "RUNNING", now, now, null, null);
    Firings.Step step = new Firings.Step(schedule.id(), due, due.plusSeconds(60), firing);
    assertEquals(List.of(true), run(Firings.record(List.of(step), now)));
    assertEquals(List.of(false), run(Firings.record(List.of(step), now)), "the second scheduler's step");
    assertEquals(1, count("SELECT count(*) FROM schedule_firing WHERE schedule_id = ?", schedule.id()));
    assertEquals(due.plusSeconds(60), run(Schedules.find(schedule.id())).orElseThrow().nextDueAt());

    assertFalse(run(Firings.recordManual(firing)), "the key is taken");
    run(Firings.finished(List.of(new Firings.RunEnd(schedule.id(), due, now.plusSeconds(1), "boom"))));
    ScheduleRow after = run(Schedules.find(schedule.id())).orElseThrow();
    assertEquals("FAILED", after.lastOutcome());
    assertEquals("boom", after.lastError());
    assertEquals("FAILED", run(Firings.recent(schedule.id(), 5)).get(0).status());
  }

  @Test
  void aPausedScheduleTakesNoStepAndResumesAtItsNewDueTime() throws SQLException {
    ScheduleRow schedule = run(Schedules.register(row(workspace, "{}", 60_000L))).row();
    assertTrue(run(Schedules.setPaused(workspace, queue, true, row -> null, now)).isPresent());
    Firings.Step step = new Firings.Step(schedule.id(), schedule.nextDueAt(), schedule.nextDueAt().plusSeconds(60),
        null);
    assertEquals(List.of(false), run(Firings.record(List.of(step), now)));
    run(Schedules.setPaused(workspace, queue, false, row -> now.plusSeconds(600), now));
    assertEquals(now.plusSeconds(600), run(Schedules.find(schedule.id())).orElseThrow().nextDueAt());
    assertTrue(run(Schedules.setPaused("other-" + workspace, queue, true, row -> null, now)).isEmpty(),
        "another workspace's schedule is not found");
    assertEquals(schedule.id(), run(Schedules.delete(workspace, queue)).orElseThrow());
    assertTrue(run(Schedules.find(schedule.id())).isEmpty());
  }
}
