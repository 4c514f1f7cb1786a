package io.sluice.persistence.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.config.DatabaseSettings;
import io.sluice.persistence.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The campaign queries on the real PostgreSQL the tests use ({@code SLUICE_TEST_DB_URL}). */
class CampaignTablesOnPostgresTest extends CampaignTablesContract {
  private static final String URL = env("SLUICE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = env("SLUICE_TEST_DB_USER", "postgres");
  private static final String PASSWORD = env("SLUICE_TEST_DB_PASSWORD", "postgres");

  @BeforeAll
  static void migrate() {
    Migrations.run(new DatabaseSettings(URL, USER, PASSWORD, 2, true));
  }

  @Test
  void aLargeImportRefreshesThePlannersStatisticsOfTheLeadTable() throws SQLException {
    long before = manualAnalyses();
    assertEquals(CampaignLeads.ANALYZE_AFTER_LEADS - 1,
        run(CampaignLeads.insert(campaign, leads(CampaignLeads.ANALYZE_AFTER_LEADS - 1), 500, T0, T0)));
    assertEquals(before, manualAnalyses(), "a small import leaves the statistics to autovacuum");
    assertEquals(CampaignLeads.ANALYZE_AFTER_LEADS, run(CampaignLeads.insert("large-" + campaign,
        leads(CampaignLeads.ANALYZE_AFTER_LEADS), 500, T0, T0)));
    assertEquals(before + 1, manualAnalyses(), "the large import ran ANALYZE campaign_lead");
  }

  private long manualAnalyses() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet row = statement.executeQuery(
          "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'campaign_lead'")) {
        row.next();
        return row.getLong(1);
      }
    }
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
