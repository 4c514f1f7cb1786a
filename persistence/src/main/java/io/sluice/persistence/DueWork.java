package io.sluice.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What one kind of background work finds due in a tick: the ids of whatever to wake now, and the earliest due time
 * after now (null when nothing else waits), so the caller knows when to come back.
 */
public record DueWork(List<String> due, Instant nextDue) {

  public DueWork {
    due = List.copyOf(due);
  }

  /** Runs a one-row {@code SELECT MIN(...) AS next_due}; null when nothing is due later. */
  public static Instant earliest(PreparedStatement select) throws SQLException {
    try (ResultSet row = select.executeQuery()) {
      return row.next() ? Sql.instant(row, "next_due") : null;
    }
  }
}
