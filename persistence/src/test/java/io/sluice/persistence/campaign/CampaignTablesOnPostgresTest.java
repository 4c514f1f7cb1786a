package io.sluice.persistence.campaign;

import io.sluice.config.DatabaseSettings;
import io.sluice.persistence.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;

/** The campaign queries on the real PostgreSQL the tests use ({@code SLUICE_TEST_DB_URL}). */
class CampaignTablesOnPostgresTest extends CampaignTablesContract {
  private static final String URL = env("SLUICE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = env("SLUICE_TEST_DB_USER", "postgres");
  private static final String PASSWORD = env("SLUICE_TEST_DB_PASSWORD", "postgres");

  @BeforeAll
  static void migrate() {
    Migrations.run(new DatabaseSettings(URL, USER, PASSWORD, 2, true));
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, USER, PASSWORD);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
