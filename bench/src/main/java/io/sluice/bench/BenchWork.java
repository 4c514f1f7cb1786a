package io.sluice.bench;

import io.sluice.persistence.JdbcWork;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The statements the runners measure, and the bare pool's way of running one in a transaction. */
final class BenchWork {
  static final JdbcWork<Integer> SELECT_1 = connection -> {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT 1")) {
      row.next();
      return row.getInt(1);
    }
  };

  private BenchWork() {}

  /** {@code SELECT pg_sleep(seconds)}: work that costs the server time but no CPU. */
  static JdbcWork<Integer> sleep(double seconds) {
    return connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_sleep(" + seconds + ")");
        return 1;
      }
    };
  }

  /**
   * The transaction the facade runs, on a bare connection: autocommit off, the work, commit (HikariCP rolls back
   * and restores autocommit when a connection that failed is closed).
   */
  static <T> T inTransaction(Connection connection, JdbcWork<T> work) throws SQLException {
    connection.setAutoCommit(false);
    T value = work.run(connection);
    connection.commit();
    return value;
  }

  /** {@code work} as {@link #inTransaction} when {@code transaction}, otherwise in autocommit. */
  static <T> T run(Connection connection, JdbcWork<T> work, boolean transaction) throws SQLException {
    return transaction ? inTransaction(connection, work) : work.run(connection);
  }
}
