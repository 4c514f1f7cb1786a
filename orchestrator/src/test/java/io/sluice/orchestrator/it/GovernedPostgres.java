package io.sluice.orchestrator.it;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
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
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * A governed pool on the real PostgreSQL with its supervisor and facade, under an {@code application_name} of its own
 * so that {@code pg_stat_activity} counts exactly its backends.
 */
final class GovernedPostgres implements AutoCloseable {
  final String applicationName = "sluice-it-" + UUID.randomUUID().toString().substring(0, 8);
  final HikariGovernedPool pool;
  final ActorRef<PermitCommand> supervisor;
  final Database database;
  private final ActorTestKit testKit;
  /** One probe for every stats request (asked from the test thread only), not one actor per call. */
  private TestProbe<PoolStats> statsProbe;

  GovernedPostgres(ActorTestKit testKit, int size, Duration idleTimeout, Duration maxHold) {
    this(testKit, size, idleTimeout, maxHold, Duration.ofSeconds(5), System::nanoTime);
  }

  /**
   * @param connectionTimeout HikariCP's own wait for a connection (250 ms is its minimum)
   * @param nanoClock the supervisor's clock: {@code System::nanoTime}, or virtual time under ManualTime
   */
  GovernedPostgres(ActorTestKit testKit, int size, Duration idleTimeout, Duration maxHold, Duration connectionTimeout,
      LongSupplier nanoClock) {
    this(testKit, size, 0, idleTimeout, maxHold, connectionTimeout, nanoClock);
  }

  /** A pool that also grants up to {@code maxLongLived} LONG_LIVED leases (streams); it must stay below size. */
  GovernedPostgres(ActorTestKit testKit, int size, int maxLongLived, Duration maxHold) {
    this(testKit, size, maxLongLived, Duration.ofSeconds(30), maxHold, Duration.ofSeconds(5), System::nanoTime);
  }

  private GovernedPostgres(ActorTestKit testKit, int size, int maxLongLived, Duration idleTimeout, Duration maxHold,
      Duration connectionTimeout, LongSupplier nanoClock) {
    this.testKit = testKit;
    PoolSettings settings = new PoolSettings("db", applicationName, size, size, 10_000, Duration.ofSeconds(5),
        maxHold, maxLongLived, idleTimeout, Duration.ofSeconds(1), connectionTimeout);
    DatabaseSettings postgres =
        new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, size, true);
    Migrations.run(postgres);
    pool = HikariGovernedPool.open(postgres, settings);
    supervisor = testKit.spawn(PoolSupervisor.create(settings, pool, LimitSettings.fixed(size), nanoClock));
    database = new Database(supervisor, pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), settings.defaultMaxWait());
  }

  PoolStats stats() {
    if (statsProbe == null) {
      statsProbe = testKit.createTestProbe();
    }
    TestProbe<PoolStats> probe = statsProbe;
    supervisor.tell(new GetPoolStats(probe.getRef()));
    return probe.receiveMessage();
  }

  /** Backends of this pool, counted by the database itself. */
  int backends() throws SQLException {
    return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", applicationName);
  }

  static boolean backendAlive(int pid) throws SQLException {
    try (Connection observer = TestDatabase.observer();
        PreparedStatement query = observer.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      query.setInt(1, pid);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1) > 0;
      }
    }
  }

  private static int count(String sql, String parameter) throws SQLException {
    try (Connection observer = TestDatabase.observer(); PreparedStatement query = observer.prepareStatement(sql)) {
      query.setString(1, parameter);
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
