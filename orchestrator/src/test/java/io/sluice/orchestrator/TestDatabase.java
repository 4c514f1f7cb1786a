package io.sluice.orchestrator;

import java.sql.Connection;
import java.sql.DriverManager;
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

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
