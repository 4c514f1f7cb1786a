package io.sluice.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * "Insert unless present", portable and race-free: the insert runs under a savepoint and a unique violation rolls back
 * to it, so the transaction stays usable (PostgreSQL would abort it) and H2, which has no {@code ON CONFLICT}, behaves
 * the same. A concurrent insert of the same key waits for the first to commit and then counts as present.
 */
public final class UniqueInsert {
  /** SQLSTATE of a unique-constraint violation, the same on PostgreSQL and H2. */
  public static final String UNIQUE_VIOLATION = "23505";

  private UniqueInsert() {}

  /** Runs {@code insert}; answers false, changing nothing, when its key was already present. */
  public static boolean unlessPresent(Connection connection, PreparedStatement insert) throws SQLException {
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
