package io.sluice.orchestrator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.config.DatabaseSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.persistence.Migrations;
import io.sluice.persistence.JdbcQuery;
import io.sluice.protocols.permit.PoolStats;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Tables and queries the stream tests share, prepared and checked outside every pool. */
final class StreamTables {
  /** One row of a test table. */
  record Row(long id, String name) {}

  private StreamTables() {}

  /**
   * Creates {@code table} with rows 1..count named {@code row-<id>}, after the migrations: Flyway refuses a fresh
   * database that already holds a table.
   */
  static void createRows(String table, int count) throws SQLException {
    Migrations.run(new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, 1, true));
    execute("DROP TABLE IF EXISTS " + table);
    execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
    execute("INSERT INTO " + table + " SELECT g, 'row-' || g FROM generate_series(1, " + count + ") g");
  }

  /** Every row with an id above the bound parameter, in id order. */
  static JdbcQuery<Row> rowsAfter(String table, long after) {
    return JdbcQuery.of("SELECT id, name FROM " + table + " WHERE id > ? ORDER BY id",
        statement -> statement.setLong(1, after), StreamTables::row);
  }

  static Row row(ResultSet row) throws SQLException {
    return new Row(row.getLong(1), row.getString(2));
  }

  static void execute(String sql) throws SQLException {
    try (Connection observer = TestDatabase.observer(); Statement statement = observer.createStatement()) {
      statement.execute(sql);
    }
  }

  static long count(String table) throws SQLException {
    try (Connection observer = TestDatabase.observer(); Statement statement = observer.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
      row.next();
      return row.getLong(1);
    }
  }

  /**
   * The supervisor's stats once no permit is granted any more, within {@code within}: a stream releases its permit
   * in a message the supervisor handles after the stream (or the HTTP response) has ended.
   */
  static PoolStats settled(GovernedPostgres governed, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    PoolStats stats = governed.stats();
    while (stats.granted() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      stats = governed.stats();
    }
    assertEquals(0, stats.granted(), "the permit came back within " + within + ": " + stats.longLived());
    return stats;
  }
}
