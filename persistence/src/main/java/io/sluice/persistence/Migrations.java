package io.sluice.persistence;

import io.sluice.config.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema migrations, apart from the pool so that opening a pool never touches the schema and start-up alone decides
 * whether to migrate ({@code sluice.database.migrate-on-start}). Flyway runs on its own short-lived connections: call
 * this before the pools open, so that migrating never holds a connection the budget does not account for while the
 * service runs.
 *
 * <p>Two locations make one version sequence: {@code classpath:db/migration} holds the portable migrations, and
 * {@code classpath:db/vendor/postgresql} or {@code classpath:db/vendor/h2} (picked from the URL) the few that cannot
 * be portable, such as the event journal's tables (V3), whose DDL comes from Akka Persistence JDBC per database. The
 * vendor folders lie outside {@code db/migration} because Flyway scans a location's subfolders too.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /**
   * Applies every pending migration; fails if the database cannot be reached or a migration fails.
   *
   * @throws IllegalArgumentException if the URL is neither PostgreSQL nor H2
   */
  public static void run(DatabaseSettings database) {
    Vendor vendor = Vendor.of(database.url());
    var result = Flyway.configure().loggers("slf4j")
        .dataSource(database.url(), database.user(), database.password())
        .locations("classpath:db/migration", vendor.migrationLocation()).load().migrate();
    log.info("{} migration(s) applied ({}), schema at version {}", result.migrationsExecuted, vendor,
        result.targetSchemaVersion);
  }
}
