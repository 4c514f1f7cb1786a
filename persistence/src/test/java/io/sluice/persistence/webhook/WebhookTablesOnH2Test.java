package io.sluice.persistence.webhook;

import io.sluice.config.DatabaseSettings;
import io.sluice.persistence.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/** The webhook tables on embedded H2, as the default URL runs it: V7 and its SQL stay portable. */
class WebhookTablesOnH2Test extends WebhookTablesContract {
  private static final String URL = "jdbc:h2:mem:webhooks-" + UUID.randomUUID()
      + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";

  @BeforeAll
  static void migrate() {
    Migrations.run(new DatabaseSettings(URL, "sa", "", 2, true));
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, "sa", "");
  }
}
