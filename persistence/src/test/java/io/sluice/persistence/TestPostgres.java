package io.sluice.persistence;

import io.sluice.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The real PostgreSQL the persistence tests use; address from the environment, defaults matching the dev machine. */
public final class TestPostgres {
  public static final String URL = env("SLUICE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String USER = env("SLUICE_TEST_DB_USER", "postgres");
  public static final String PASSWORD = env("SLUICE_TEST_DB_PASSWORD", "postgres");

  private TestPostgres() {}

  public static DatabaseSettings database(boolean migrateOnStart) {
    return new DatabaseSettings(URL, USER, PASSWORD, 2, migrateOnStart);
  }

  /** A plain connection outside every pool, for observing the database. */
  public static Connection observer() throws SQLException {
    return DriverManager.getConnection(URL, USER, PASSWORD);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
