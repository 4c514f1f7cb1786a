package io.sluice.persistence.schedule;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.persistence.UniqueInsert;
import io.sluice.persistence.campaign.Campaigns;
import io.sluice.persistence.webhook.EventTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code schedule} table. A registration is an upsert on (queue, workspace): the same registration again changes
 * nothing but its count, a different one updates the row in place, so no number of restarts or repeated calls makes
 * a second row. The API reads and changes schedules by (workspace, queue); the scheduler by id.
 */
public final class Schedules {
  static final String COLUMNS = "id, queue, workspace_id, interval_ms, cron, time_zone, payload, action_kind,"
      + " action_target, overlap_policy, catch_up_policy, paused, next_due_at, last_run_at, last_outcome, last_error,"
      + " registrations, created_at, updated_at";
  private static final String BY_KEY = " WHERE queue = ? AND workspace_id IS NOT DISTINCT FROM ?";

  private Schedules() {}

  /** What a registration did to the table. */
  public enum Change { CREATED, UPDATED, UNCHANGED }

  /** The stored schedule after a registration, and what the registration changed. */
  public record Registration(ScheduleRow row, Change change) {}

  /**
   * Registers {@code candidate} (its id and due time are used only when the row is new, or, for the due time, when
   * the cadence changed). Race-free: of two concurrent first registrations one inserts, the other then updates.
   */
  public static JdbcWork<Registration> register(ScheduleRow candidate) {
    return connection -> {
      for (int round = 0; round < 2; round++) {
        Optional<ScheduleRow> existing = lockByKey(connection, candidate.workspaceId(), candidate.queue());
        if (existing.isPresent()) {
          return update(connection, existing.get(), candidate);
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO schedule (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          bind(insert, candidate);
          if (UniqueInsert.unlessPresent(connection, insert)) {
            return new Registration(candidate, Change.CREATED);
          }
        }
      }
      throw new SQLException("schedule " + candidate.queue() + " could be neither inserted nor found");
    };
  }

  /**
   * {@link #register} unless the action names what the workspace does not have — for {@code publish-event} an event
   * type (built-in or the workspace's), for {@code start-campaign} a campaign of the workspace — which writes nothing
   * and answers empty.
   */
  public static JdbcWork<Optional<Registration>> registerKnown(ScheduleRow candidate) {
    return connection -> {
      boolean known = switch (candidate.actionKind()) {
        case "publish-event" -> EventTypes.unknown(candidate.workspaceId(), List.of(candidate.actionTarget()))
            .run(connection).isEmpty();
        case "start-campaign" -> Campaigns.find(candidate.actionTarget()).run(connection)
            .filter(campaign -> campaign.workspaceId().equals(candidate.workspaceId())).isPresent();
        default -> true;
      };
      return known ? Optional.of(register(candidate).run(connection)) : Optional.empty();
    };
  }

  private static Registration update(Connection connection, ScheduleRow existing, ScheduleRow candidate)
      throws SQLException {
    if (existing.sameRegistration(candidate)) {
      try (PreparedStatement count = connection.prepareStatement(
          "UPDATE schedule SET registrations = registrations + 1 WHERE id = ?")) {
        count.setString(1, existing.id());
        count.executeUpdate();
      }
      return new Registration(copy(existing, existing.nextDueAt(), existing.registrations() + 1,
          existing.updatedAt(), existing, existing.paused()), Change.UNCHANGED);
    }
    Instant nextDue = existing.sameCadence(candidate) ? existing.nextDueAt() : candidate.nextDueAt();
    ScheduleRow updated = copy(existing, nextDue, existing.registrations() + 1, candidate.updatedAt(), candidate,
        existing.paused());
    try (PreparedStatement write = connection.prepareStatement("UPDATE schedule SET interval_ms = ?, cron = ?,"
        + " time_zone = ?, payload = ?, action_kind = ?, action_target = ?, overlap_policy = ?, catch_up_policy = ?,"
        + " next_due_at = ?, registrations = ?, updated_at = ? WHERE id = ?")) {
      setNullableLong(write, 1, updated.intervalMillis());
      write.setString(2, updated.cron());
      write.setString(3, updated.timeZone());
      write.setString(4, updated.payload());
      write.setString(5, updated.actionKind());
      write.setString(6, updated.actionTarget());
      write.setString(7, updated.overlapPolicy());
      write.setString(8, updated.catchUpPolicy());
      Sql.setInstant(write, 9, updated.nextDueAt());
      write.setLong(10, updated.registrations());
      Sql.setInstant(write, 11, updated.updatedAt());
      write.setString(12, updated.id());
      write.executeUpdate();
    }
    return new Registration(updated, Change.UPDATED);
  }

  /** {@code existing}'s identity and run history with {@code spec}'s registration. */
  private static ScheduleRow copy(ScheduleRow existing, Instant nextDue, long registrations, Instant updatedAt,
      ScheduleRow spec, boolean paused) {
    return new ScheduleRow(existing.id(), existing.queue(), existing.workspaceId(), spec.intervalMillis(),
        spec.cron(), spec.timeZone(), spec.payload(), spec.actionKind(), spec.actionTarget(), spec.overlapPolicy(),
        spec.catchUpPolicy(), paused, nextDue, existing.lastRunAt(), existing.lastOutcome(), existing.lastError(),
        registrations, existing.createdAt(), updatedAt);
  }

  private static Optional<ScheduleRow> lockByKey(Connection connection, String workspaceId, String queue)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM schedule" + BY_KEY + " FOR UPDATE")) {
      select.setString(1, queue);
      select.setString(2, workspaceId);
      return one(select);
    }
  }

  /** Every schedule, for the scheduler's start-up read. */
  public static JdbcWork<List<ScheduleRow>> all() {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM schedule")) {
        return rows(select);
      }
    };
  }

  public static JdbcWork<Optional<ScheduleRow>> find(String id) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM schedule WHERE id = ?")) {
        select.setString(1, id);
        return one(select);
      }
    };
  }

  /** @param workspaceId null for the system schedules */
  public static JdbcWork<Optional<ScheduleRow>> find(String workspaceId, String queue) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM schedule" + BY_KEY)) {
        select.setString(1, queue);
        select.setString(2, workspaceId);
        return one(select);
      }
    };
  }

  /** The workspace's schedules by queue name. */
  public static JdbcWork<List<ScheduleRow>> list(String workspaceId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM schedule WHERE workspace_id = ? ORDER BY queue")) {
        select.setString(1, workspaceId);
        return rows(select);
      }
    };
  }

  /**
   * Pauses or resumes; a schedule resumed from a pause falls due next at {@code nextDue} of its row (its missed times
   * are not fired); a pause, or a resume of a running schedule, keeps its due time.
   *
   * @return the schedule after the change, empty when there is no such schedule
   */
  public static JdbcWork<Optional<ScheduleRow>> setPaused(String workspaceId, String queue, boolean paused,
      java.util.function.Function<ScheduleRow, Instant> nextDue, Instant now) {
    return connection -> {
      Optional<ScheduleRow> row = lockByKey(connection, workspaceId, queue);
      if (row.isEmpty()) {
        return Optional.empty();
      }
      try (PreparedStatement write = connection.prepareStatement(
          "UPDATE schedule SET paused = ?, next_due_at = ?, updated_at = ? WHERE id = ?")) {
        write.setBoolean(1, paused);
        Sql.setInstant(write, 2, paused || !row.get().paused() ? row.get().nextDueAt() : nextDue.apply(row.get()));
        Sql.setInstant(write, 3, now);
        write.setString(4, row.get().id());
        write.executeUpdate();
      }
      return find(row.get().id()).run(connection);
    };
  }

  /** Deletes the schedule and its firings; answers its id, empty when there was none. */
  public static JdbcWork<Optional<String>> delete(String workspaceId, String queue) {
    return connection -> {
      Optional<ScheduleRow> row = lockByKey(connection, workspaceId, queue);
      if (row.isPresent()) {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM schedule WHERE id = ?")) {
          delete.setString(1, row.get().id());
          delete.executeUpdate();
        }
      }
      return row.map(ScheduleRow::id);
    };
  }

  static void bind(PreparedStatement insert, ScheduleRow row) throws SQLException {
    insert.setString(1, row.id());
    insert.setString(2, row.queue());
    insert.setString(3, row.workspaceId());
    setNullableLong(insert, 4, row.intervalMillis());
    insert.setString(5, row.cron());
    insert.setString(6, row.timeZone());
    insert.setString(7, row.payload());
    insert.setString(8, row.actionKind());
    insert.setString(9, row.actionTarget());
    insert.setString(10, row.overlapPolicy());
    insert.setString(11, row.catchUpPolicy());
    insert.setBoolean(12, row.paused());
    Sql.setInstant(insert, 13, row.nextDueAt());
    Sql.setInstant(insert, 14, row.lastRunAt());
    insert.setString(15, row.lastOutcome());
    insert.setString(16, row.lastError());
    insert.setLong(17, row.registrations());
    Sql.setInstant(insert, 18, row.createdAt());
    Sql.setInstant(insert, 19, row.updatedAt());
  }

  private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  private static Optional<ScheduleRow> one(PreparedStatement select) throws SQLException {
    List<ScheduleRow> rows = rows(select);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static List<ScheduleRow> rows(PreparedStatement select) throws SQLException {
    List<ScheduleRow> rows = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        rows.add(new ScheduleRow(row.getString("id"), row.getString("queue"), row.getString("workspace_id"),
            row.getObject("interval_ms", Long.class), row.getString("cron"), row.getString("time_zone"),
            row.getString("payload"), row.getString("action_kind"), row.getString("action_target"),
            row.getString("overlap_policy"), row.getString("catch_up_policy"), row.getBoolean("paused"),
            Sql.instant(row, "next_due_at"), Sql.instant(row, "last_run_at"), row.getString("last_outcome"),
            row.getString("last_error"), row.getLong("registrations"), Sql.instant(row, "created_at"),
            Sql.instant(row, "updated_at")));
      }
    }
    return rows;
  }
}
