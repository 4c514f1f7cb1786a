package io.sluice.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Sluice's governed pool on the real PostgreSQL: pool, supervisor and facade in an actor system of their own, the
 * supervisor on {@code sluice.permit-dispatcher} beside the facade's reply actor, as the service runs them.
 */
final class GovernedPostgres implements AutoCloseable {
  final String applicationName = "sluice-bench-" + UUID.randomUUID().toString().substring(0, 8);
  final HikariGovernedPool pool;
  final ActorSystem<Void> system;
  final ActorRef<PermitCommand> supervisor;
  final Database database;

  GovernedPostgres(int size, LimitSettings limit, Duration maxWait) {
    PoolSettings settings = new PoolSettings("db", applicationName, size, size, 100_000, maxWait,
        Duration.ofSeconds(30), 0, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
    pool = HikariGovernedPool.open(
        new DatabaseSettings(BenchDatabase.URL, BenchDatabase.USER, BenchDatabase.PASSWORD, size, false), settings);
    system = ActorSystem.create(Behaviors.empty(), "bench",
        ConfigFactory.load(ConfigFactory.parseMap(Map.of("sluice.pools.db.max-size", size))));
    supervisor = system.systemActorOf(PoolSupervisor.create(settings, pool, limit, System::nanoTime), "pool-db",
        DispatcherSelector.fromConfig(Database.PERMIT_DISPATCHER));
    database = new Database(supervisor, pool,
        system.dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")), system,
        maxWait);
  }

  PoolStats stats() {
    return AskPattern.<PermitCommand, PoolStats>ask(supervisor, GetPoolStats::new, Duration.ofSeconds(5),
        system.scheduler()).toCompletableFuture().join();
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    pool.close();
  }
}
