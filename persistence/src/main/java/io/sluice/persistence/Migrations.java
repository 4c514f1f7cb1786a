package io.sluice.persistence;

import io.sluice.config.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema migrations ({@code classpath:db/migration}), apart from the pool so that opening a pool never touches the
 * schema and start-up alone decides whether to migrate ({@code sluice.database.migrate-on-start}). Flyway runs on its
 * own short-lived connections: call this before the governed pool opens, so that migrating never holds a connection
 * the pool's permits do not account for while the service runs.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** Applies every pending migration; fails if the database cannot be reached or a migration fails. */
  public static void run(DatabaseSettings database) {
    var result = Flyway.configure().loggers("slf4j")
        .dataSource(database.url(), database.user(), database.password())
        .locations("classpath:db/migration").load().migrate();
    log.info("{} migration(s) applied, schema at version {}", result.migrationsExecuted, result.targetSchemaVersion);
  }
}
