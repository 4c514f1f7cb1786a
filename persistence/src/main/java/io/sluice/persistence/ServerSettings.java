package io.sluice.persistence;

import java.sql.ResultSet;
import java.sql.Statement;

/** Settings of the PostgreSQL server that Sluice's tables depend on, read at start-up to warn about them. */
public final class ServerSettings {
  private ServerSettings() {}

  /**
   * Whether autovacuum runs. Without it the campaign lead and webhook tables' dead row versions pile up and every
   * due-work read scans them (a 100,000-lead campaign ran about 7 times slower). PostgreSQL only.
   */
  public static JdbcWork<Boolean> autovacuum() {
    return connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT current_setting('autovacuum')")) {
        row.next();
        return "on".equals(row.getString(1));
      }
    };
  }
}
