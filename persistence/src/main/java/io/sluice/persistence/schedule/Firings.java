package io.sluice.persistence.schedule;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code schedule_firing} table, and the one write that makes firing exactly-once: {@link #record} moves each
 * schedule on with a compare-and-set on its due time and inserts the firing's (schedule, due time) key, in one
 * transaction. A second scheduler recording the same due time finds the schedule moved and records nothing.
 */
public final class Firings {
  private static final String COLUMNS = "schedule_id, due_at, kind, status, recorded_at, started_at, finished_at,"
      + " error";
  private static final int MAX_ERROR = 1000;

  private Firings() {}

  /**
   * One schedule's step past its due time.
   *
   * @param expectedDue the due time the scheduler saw; the step applies only if the row still has it
   * @param nextDue the due time after the step
   * @param firing the firing to record with it; null when the step fires nothing (missed times skipped)
   */
  public record Step(String scheduleId, Instant expectedDue, Instant nextDue, FiringRow firing) {}

  /**
   * Applies the steps in one transaction (two JDBC batches); answers, per step in order, whether it applied. A step
   * that did not apply — the schedule was moved by another scheduler, paused or deleted — recorded nothing.
   */
  public static JdbcWork<List<Boolean>> record(List<Step> steps, Instant now) {
    return connection -> {
      List<Boolean> applied = new ArrayList<>(steps.size());
      try (PreparedStatement move = connection.prepareStatement("UPDATE schedule SET next_due_at = ?, updated_at = ?"
          + " WHERE id = ? AND next_due_at = ? AND paused = FALSE")) {
        for (Step step : steps) {
          Sql.setInstant(move, 1, step.nextDue());
          Sql.setInstant(move, 2, now);
          move.setString(3, step.scheduleId());
          Sql.setInstant(move, 4, step.expectedDue());
          move.addBatch();
        }
        for (int count : move.executeBatch()) {
          applied.add(count == 1);
        }
      }
      List<FiringRow> firings = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        if (applied.get(i) && steps.get(i).firing() != null) {
          firings.add(steps.get(i).firing());
        }
      }
      insert(connection, firings);
      return applied;
    };
  }

  /**
   * Records a firing outside the cadence (run now); false when one with the same key exists already.
   */
  public static JdbcWork<Boolean> recordManual(FiringRow firing) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO schedule_firing (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        bind(insert, firing);
        return io.sluice.persistence.UniqueInsert.unlessPresent(connection, insert);
      }
    };
  }

  private static void insert(java.sql.Connection connection, List<FiringRow> firings) throws SQLException {
    if (firings.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO schedule_firing (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (FiringRow firing : firings) {
        bind(insert, firing);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void bind(PreparedStatement insert, FiringRow firing) throws SQLException {
    insert.setString(1, firing.scheduleId());
    Sql.setInstant(insert, 2, firing.dueAt());
    insert.setString(3, firing.kind());
    insert.setString(4, firing.status());
    Sql.setInstant(insert, 5, firing.recordedAt());
    Sql.setInstant(insert, 6, firing.startedAt());
    Sql.setInstant(insert, 7, firing.finishedAt());
    insert.setString(8, truncate(firing.error()));
  }

  /** A queued firing starts: QUEUED → RUNNING. */
  public static JdbcWork<Integer> started(String scheduleId, Instant dueAt, Instant now) {
    return connection -> {
      try (PreparedStatement write = connection.prepareStatement("UPDATE schedule_firing SET status = 'RUNNING',"
          + " started_at = ? WHERE schedule_id = ? AND due_at = ? AND status = 'QUEUED'")) {
        Sql.setInstant(write, 1, now);
        write.setString(2, scheduleId);
        Sql.setInstant(write, 3, dueAt);
        return write.executeUpdate();
      }
    };
  }

  /**
   * A run's end.
   *
   * @param error null when it succeeded
   */
  public record RunEnd(String scheduleId, Instant dueAt, Instant finishedAt, String error) {}

  /**
   * Records the ends of runs (the firing's status, the schedule's last run and outcome) in one transaction; one result
   * per end, in order.
   */
  public static JdbcWork<List<Boolean>> finished(List<RunEnd> ends) {
    return connection -> {
      try (PreparedStatement firing = connection.prepareStatement("UPDATE schedule_firing SET status = ?,"
          + " finished_at = ?, error = ? WHERE schedule_id = ? AND due_at = ?");
          PreparedStatement schedule = connection.prepareStatement("UPDATE schedule SET last_run_at = ?,"
              + " last_outcome = ?, last_error = ? WHERE id = ?")) {
        for (RunEnd end : ends) {
          String outcome = end.error() == null ? "SUCCEEDED" : "FAILED";
          firing.setString(1, outcome);
          Sql.setInstant(firing, 2, end.finishedAt());
          firing.setString(3, truncate(end.error()));
          firing.setString(4, end.scheduleId());
          Sql.setInstant(firing, 5, end.dueAt());
          firing.addBatch();
          Sql.setInstant(schedule, 1, end.finishedAt());
          schedule.setString(2, outcome);
          schedule.setString(3, truncate(end.error()));
          schedule.setString(4, end.scheduleId());
          schedule.addBatch();
        }
        firing.executeBatch();
        schedule.executeBatch();
      }
      List<Boolean> done = new ArrayList<>(ends.size());
      ends.forEach(end -> done.add(Boolean.TRUE));
      return done;
    };
  }

  /**
   * At start-up: the runs a stopped process left RUNNING or QUEUED did not finish under it; they become INTERRUPTED
   * (a firing runs at most once). Answers how many.
   */
  public static JdbcWork<Integer> interruptUnfinished(Instant now) {
    return connection -> {
      try (PreparedStatement write = connection.prepareStatement("UPDATE schedule_firing SET status = 'INTERRUPTED',"
          + " finished_at = ?, error = 'the process stopped before the run ended'"
          + " WHERE status IN ('RUNNING', 'QUEUED')")) {
        Sql.setInstant(write, 1, now);
        return write.executeUpdate();
      }
    };
  }

  /** The schedule's latest firings, newest first. */
  public static JdbcWork<List<FiringRow>> recent(String scheduleId, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM schedule_firing"
          + " WHERE schedule_id = ? ORDER BY due_at DESC LIMIT ?")) {
        select.setString(1, scheduleId);
        select.setInt(2, limit);
        List<FiringRow> rows = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            rows.add(new FiringRow(row.getString("schedule_id"), Sql.instant(row, "due_at"), row.getString("kind"),
                row.getString("status"), Sql.instant(row, "recorded_at"), Sql.instant(row, "started_at"),
                Sql.instant(row, "finished_at"), row.getString("error")));
          }
        }
        return rows;
      }
    };
  }

  private static String truncate(String error) {
    return error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
  }
}
