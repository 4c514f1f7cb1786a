package io.sluice.orchestrator.provider;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.Migrations;
import io.sluice.protocols.permit.PermitCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The real PostgreSQL behind the webhook tests: migrated, emptied of earlier runs' events, and reached through a
 * governed pool, its supervisor and the permit facade exactly as in the service.
 */
final class InboxDatabase implements AutoCloseable {
  final Database database;
  private final HikariGovernedPool pool;
  private final ActorRef<PermitCommand> supervisor;
  private final ActorTestKit testKit;

  InboxDatabase(ActorTestKit testKit) throws SQLException {
    this.testKit = testKit;
    DatabaseSettings postgres =
        new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, 4, true);
    Migrations.run(postgres);
    try (Connection observer = TestDatabase.observer(); Statement statement = observer.createStatement()) {
      statement.executeUpdate("DELETE FROM provider_event");
    }
    PoolSettings settings = new PoolSettings("db", "sluice-provider-test", 4, 4, 1000, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 0, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
    pool = HikariGovernedPool.open(postgres, settings);
    supervisor = testKit.spawn(PoolSupervisor.create(settings, pool, LimitSettings.fixed(4), System::nanoTime));
    database = new Database(supervisor, pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), settings.defaultMaxWait());
  }

  /**
   * Records that Sluice placed a call for this lead attempt under {@code idempotencyKey} (a DIALING lead row), as the
   * webhook refuses events about any other call.
   */
  static void placed(String campaignId, String leadId, String idempotencyKey) throws SQLException {
    try (Connection observer = TestDatabase.observer(); PreparedStatement insert = observer.prepareStatement(
        "INSERT INTO campaign_lead (campaign_id, lead_id, name, phone, zones, metadata, state, attempts, hot,"
            + " idempotency_key, updated_at) VALUES (?, ?, 'Ada', ?, 'UTC', '{}', 'DIALING', 1, FALSE, ?, now())"
            + " ON CONFLICT (campaign_id, lead_id) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key")) {
      insert.setString(1, campaignId);
      insert.setLong(2, Long.parseLong(leadId));
      insert.setString(3, "+1555" + leadId);
      insert.setString(4, idempotencyKey);
      insert.executeUpdate();
    }
  }

  /** Rows stored for {@code eventId}: 0 or 1. */
  static int rows(String eventId) throws SQLException {
    return count("SELECT count(*) FROM provider_event WHERE event_id = ?", eventId);
  }

  /** Rows stored for {@code eventId} and stamped processed. */
  static int processed(String eventId) throws SQLException {
    return count("SELECT count(*) FROM provider_event WHERE event_id = ? AND processed_at IS NOT NULL", eventId);
  }

  private static int count(String sql, String eventId) throws SQLException {
    try (Connection observer = TestDatabase.observer(); PreparedStatement query = observer.prepareStatement(sql)) {
      query.setString(1, eventId);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  @Override
  public void close() {
    testKit.stop(supervisor);
    pool.close();
  }
}
