package io.sluice.persistence.campaign;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** JDBC details shared by the campaign tables, written once so that PostgreSQL and H2 behave alike. */
final class Sql {
  /** SQLSTATE of a unique or primary-key violation, on PostgreSQL and H2 alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  private Sql() {}

  /** Binds an instant to a TIMESTAMP WITH TIME ZONE parameter (null allowed). */
  static void setInstant(PreparedStatement statement, int index, Instant at) throws SQLException {
    if (at == null) {
      statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(index, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
    }
  }

  static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static Integer nullableInt(ResultSet row, String column) throws SQLException {
    int value = row.getInt(column);
    return row.wasNull() ? null : value;
  }

  static void setNullableInt(PreparedStatement statement, int index, Integer value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.INTEGER);
    } else {
      statement.setInt(index, value);
    }
  }

  /**
   * Runs an insert and answers false instead of failing when the row already exists. Inside a transaction a failed
   * statement would poison the whole transaction on PostgreSQL, so the insert runs under a savepoint that is rolled
   * back on a duplicate; this keeps "insert unless present" portable (H2 has no {@code ON CONFLICT}) and race-free (a
   * concurrent insert of the same key is a duplicate too).
   */
  static boolean insertUnlessPresent(Connection connection, PreparedStatement insert) throws SQLException {
    Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
    try {
      insert.executeUpdate();
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
      return true;
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      if (savepoint != null) {
        connection.rollback(savepoint);
      }
      return false;
    }
  }
}
