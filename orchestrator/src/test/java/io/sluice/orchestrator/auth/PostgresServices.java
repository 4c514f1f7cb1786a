package io.sluice.orchestrator.auth;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.pool.FixedLimit;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.Migrations;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The migrated test PostgreSQL behind a governed pool, its supervisor and the database facade, as the service has. */
final class PostgresServices implements AutoCloseable {
  private final ActorTestKit testKit;
  private final HikariGovernedPool pool;
  private final ActorRef<PermitCommand> supervisor;
  final Database database;

  PostgresServices(ActorTestKit testKit, String applicationName) {
    this.testKit = testKit;
    DatabaseSettings settings = new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, 4,
        true);
    Migrations.run(settings);
    PoolSettings poolSettings = new PoolSettings("db", applicationName, 4, 4, 100, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 1, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
    this.pool = HikariGovernedPool.open(settings, poolSettings);
    this.supervisor = testKit.spawn(PoolSupervisor.create(poolSettings, pool, new FixedLimit(4),
        Duration.ofSeconds(1), System::nanoTime));
    this.database = new Database(supervisor, pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), poolSettings.defaultMaxWait());
  }

  /** Removes every workspace and key, so that each test starts on an empty database. */
  static void deleteWorkspaces() throws SQLException {
    try (Connection connection = TestDatabase.observer(); Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM api_key");
      statement.executeUpdate("DELETE FROM workspace");
    }
  }

  /** Permits granted so far: how many units of work reached the database. */
  long permitsAcquired() {
    TestProbe<PoolStats> probe = testKit.createTestProbe();
    supervisor.tell(new GetPoolStats(probe.getRef()));
    return probe.receiveMessage().counters().acquired();
  }

  @Override
  public void close() {
    testKit.stop(supervisor);
    pool.close();
  }
}
