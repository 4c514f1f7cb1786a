package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.DatabaseSettings;
import io.sluice.config.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The migrations on H2 and PostgreSQL, then used through a governed pool opened after them, as start-up does. */
class MigrationsTest {

  private static PoolSettings settings(String applicationName) {
    return new PoolSettings("db", applicationName, 2, 2, 10, Duration.ofSeconds(5), Duration.ofSeconds(30), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  private static int recordStartAndCount(HikariGovernedPool pool) throws SQLException {
    pool.admit(1);
    Connection connection = pool.connectionFor(1);
    try {
      String id = UUID.randomUUID().toString();
      assertEquals(1, InstanceRegistry.recordStart(id, "test-host", Instant.now()).run(connection));
      assertEquals(1, InstanceRegistry.recordStop(id, Instant.now()).run(connection));
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*) FROM sluice_instance WHERE stopped_at IS NOT NULL")) {
        rows.next();
        return rows.getInt(1);
      }
    } finally {
      pool.giveBack(1, connection);
      pool.retire(1);
    }
  }

  @Test
  void migrationsRunOnH2() throws SQLException {
    DatabaseSettings database =
        new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, true);
    Migrations.run(database);
    try (HikariGovernedPool pool = HikariGovernedPool.open(database, settings("sluice-test"))) {
      assertEquals(1, recordStartAndCount(pool));
    }
    assertEquals(0, countRows(java.sql.DriverManager.getConnection(database.url(), "sa", ""), "\"event_journal\""),
        "V3 (vendor h2) made the journal");
  }

  @Test
  void migrationsRunOnPostgres() throws SQLException {
    DatabaseSettings database = TestPostgres.database(true);
    Migrations.run(database);
    try (HikariGovernedPool pool = HikariGovernedPool.open(database, settings("sluice-test-migrations"))) {
      assertTrue(recordStartAndCount(pool) >= 1);
    }
    try (Connection observer = TestPostgres.observer();
        Statement statement = observer.createStatement();
        ResultSet row = statement.executeQuery("SELECT h.success, to_regclass('event_journal') IS NOT NULL"
            + " FROM flyway_schema_history h WHERE h.version = '3'")) {
      assertTrue(row.next(), "V3 was applied");
      assertTrue(row.getBoolean(1));
      assertTrue(row.getBoolean(2), "V3 (vendor postgresql) made the journal");
    }
    try (Connection observer = TestPostgres.observer();
        Statement statement = observer.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT success FROM flyway_schema_history WHERE version = '1'")) {
      assertTrue(row.next());
      assertTrue(row.getBoolean(1));
    }
  }

  /** Closes the connection. */
  private static int countRows(Connection connection, String table) throws SQLException {
    try (connection; Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void anUnsupportedDatabaseIsRefusedBeforeFlywayRuns() {
    IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Migrations.run(new DatabaseSettings("jdbc:mysql://127.0.0.1/x?password=secret", "u", "p", 2, true)));
    assertTrue(refused.getMessage().contains("jdbc:mysql://127.0.0.1/x"), refused.getMessage());
    assertTrue(!refused.getMessage().contains("secret"), "the URL's parameters are not echoed");
  }
}
