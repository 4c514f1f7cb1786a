package io.sluice.orchestrator;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The real PostgreSQL the tests use; address from the environment, defaults matching the dev machine. */
public final class TestDatabase {
  public static final String URL = env("SLUICE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String USER = env("SLUICE_TEST_DB_USER", "postgres");
  public static final String PASSWORD = env("SLUICE_TEST_DB_PASSWORD", "postgres");

  private TestDatabase() {}

  /** A plain connection outside every pool, for observing the database (pg_stat_activity) and preparing data. */
  public static Connection observer() throws SQLException {
    return DriverManager.getConnection(URL, USER, PASSWORD);
  }

  /** The backends of one {@code application_name} (a pool's) in {@code pg_stat_activity} now. */
  public static int backends(String applicationName) {
    try (Connection observer = observer(); PreparedStatement count = observer.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      count.setString(1, applicationName);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Retires everything earlier tests, interrupted runs or benchmarks left in the shared database that a starting
   * service would take up in the background — campaigns, webhook deliveries, owed emails, schedules, unprocessed
   * provider events — so that the test's service starts at rest and its permits are its test's own.
   */
  public static void retireLeftoverWork() throws SQLException {
    retireLeftoverCampaigns();
    retireLeftoverWebhooks();
    retireLeftoverEmails();
    retireLeftoverSchedules();
    retireLeftoverProviderEvents();
  }

  /**
   * Takes campaigns left running by an interrupted earlier run (or a benchmark) off the start-up resume list, so that
   * a test's service does not spend its call slots on them. Only the read side changes: nothing wakes them again.
   */
  private static void retireLeftoverCampaigns() throws SQLException {
    update("UPDATE campaign SET status = 'CANCELLED' WHERE status IN ('RUNNING', 'SCHEDULED', 'PAUSED')");
  }

  /**
   * Disables the endpoints that still have webhook deliveries pending from earlier tests or interrupted runs, and
   * dead-letters those deliveries, so that a test's service neither attempts them (their receivers are gone) nor wakes
   * their entities at start-up: it starts at rest.
   */
  private static void retireLeftoverWebhooks() throws SQLException {
    update("UPDATE webhook_endpoint SET enabled = FALSE, disabled_reason = 'retired by a test'"
        + " WHERE enabled AND id IN (SELECT endpoint_id FROM webhook_delivery WHERE state = 'PENDING')");
    update("UPDATE webhook_delivery SET state = 'DEAD', last_error = 'retired by a test' WHERE state = 'PENDING'");
  }

  /**
   * Skips the summary emails other tests left owed (their spool files lived in those tests' folders), so that a
   * test's service does not spend its start-up retrying them.
   */
  private static void retireLeftoverEmails() throws SQLException {
    update("UPDATE email_outbox SET state = 'SKIPPED', skip_reason = 'retired by a test', next_attempt_at = NULL"
        + " WHERE state IN ('PENDING', 'FAILED')");
  }

  /**
   * Deletes the schedules earlier tests or interrupted runs left (the workspaces' and the system's), so that a test's
   * service neither fires them (their jobs and receivers are gone) nor counts them.
   */
  public static void retireLeftoverSchedules() throws SQLException {
    update("DELETE FROM schedule");
  }

  /**
   * Marks provider events stored but never processed (a process killed between storing and processing them) as
   * processed: each start hands up to 10,000 of them to their campaigns again in the background, each through a
   * permit, and their campaigns are retired.
   */
  private static void retireLeftoverProviderEvents() throws SQLException {
    update("UPDATE provider_event SET processed_at = now() WHERE processed_at IS NULL");
  }

  /** Runs the statement; a table not created yet (a fresh database) has nothing left over. */
  private static void update(String sql) throws SQLException {
    try (Connection observer = observer(); var statement = observer.createStatement()) {
      statement.executeUpdate(sql);
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
