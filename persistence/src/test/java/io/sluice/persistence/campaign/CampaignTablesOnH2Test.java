package io.sluice.persistence.campaign;

import io.sluice.config.DatabaseSettings;
import io.sluice.persistence.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/** The same queries on embedded H2 (no compatibility mode, as the default URL runs it): the SQL stays portable. */
class CampaignTablesOnH2Test extends CampaignTablesContract {
  private static final String URL = "jdbc:h2:mem:campaigns-" + UUID.randomUUID()
      + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";

  @BeforeAll
  static void migrate() {
    Migrations.run(new DatabaseSettings(URL, "sa", "", 2, true));
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, "sa", "");
  }
}
