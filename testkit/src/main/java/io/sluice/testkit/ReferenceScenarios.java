package io.sluice.testkit;

import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import java.time.Duration;
import java.util.List;

/**
 * The seed incidents as reproducible scenarios, and the gates to run them through. Users can run them against their
 * own settings, or build their own {@link Scenario}s from the same parts.
 */
public final class ReferenceScenarios {
  /** The wait a request may spend for a permit: Sluice's {@code default-max-wait}. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(5);
  /** The seed incident's pool timed out after 2 s. */
  public static final Duration BARE_POOL_TIMEOUT = Duration.ofSeconds(2);
  static final Duration QUERY = Duration.ofMillis(20);

  private ReferenceScenarios() {}

  /** 1,000 requesters at t = 0 on an empty pool of 10; every connection costs 50 ms to open. */
  public static Scenario coldStartHerd() {
    return new Scenario("cold-start herd: 1,000 requesters at t=0, pool 10, 20 ms queries, 50 ms connection open",
        () -> SimulatedDatabase.builder().latency(QUERY).latencyJitter(0.2)
            .connectionOpenCost(Duration.ofMillis(50)).build(),
        10, Workload.herd(1_000, Task.query(), MAX_WAIT), Duration.ofSeconds(60), 10 / seconds(QUERY));
  }

  /** The seed's 2 workers × 10 concurrency × 5 queues = 100 handlers on a 30-connection pool, 20 ms of work each. */
  public static Scenario hundredHandlersOnThirtyConnections() {
    return new Scenario("100 handlers (2x10x5) on 30 connections, 20 ms work, 60 s",
        () -> SimulatedDatabase.builder().latency(QUERY).latencyJitter(0.2).build(),
        30, Workload.closedLoop(100, Task.query(), Duration.ZERO, MAX_WAIT), Duration.ofSeconds(60),
        30 / seconds(QUERY));
  }

  /** How long the impatient callers of {@link #impatientCallers()} wait for a permit. */
  public static final Duration IMPATIENT_MAX_WAIT = Duration.ofMillis(100);

  /**
   * 100 handlers on a 30-connection pool that give up after 100 ms: time-outs at baseline latency mean too few
   * permits, so an adaptive limit must grow through them to the pool's size, not shrink on them.
   */
  public static Scenario impatientCallers() {
    return new Scenario("impatient callers: 100 handlers, pool 30, 20 ms work, 100 ms max wait, 30 s",
        () -> SimulatedDatabase.builder().latency(QUERY).latencyJitter(0.2).build(),
        30, Workload.closedLoop(100, Task.query(), Duration.ZERO, IMPATIENT_MAX_WAIT), Duration.ofSeconds(30),
        30 / seconds(QUERY));
  }

  /**
   * A database that serves only 10 queries at full speed, behind a pool of 30: beyond 10 at once every query slows in
   * proportion, so permits above 10 add latency and no throughput. Shrinking towards 10 buys latency for free.
   */
  public static Scenario contendedDatabase() {
    return new Scenario("contended database: serves 10 queries at once, pool 30, 100 handlers, 20 ms work, 60 s",
        () -> SimulatedDatabase.builder().latency(QUERY).latencyJitter(0.2).parallelCapacity(10).build(),
        30, Workload.closedLoop(100, Task.query(), Duration.ZERO, MAX_WAIT), Duration.ofSeconds(60),
        10 / seconds(QUERY));
  }

  /** Query time ×10 for 30 s, then back; the database serves 30 queries at once at full speed. */
  public static Scenario latencyStep() {
    return new Scenario("latency step: query time x10 from t=20s for 30s, 100 handlers, pool 30, 80 s",
        () -> SimulatedDatabase.builder().latency(QUERY).latencyJitter(0.2).parallelCapacity(30)
            .latencyStep(LATENCY_STEP_START, LATENCY_STEP_LENGTH, 10).build(),
        30, Workload.closedLoop(100, Task.query(), Duration.ZERO, MAX_WAIT), Duration.ofSeconds(80), 0);
  }

  public static final Duration LATENCY_STEP_START = Duration.ofSeconds(20);
  public static final Duration LATENCY_STEP_LENGTH = Duration.ofSeconds(30);

  /** A 2 s external (AI) call held inside the lease, as the seed did: 100 handlers, pool 10. */
  public static Scenario slowCallInsideLease() {
    return slowCall(Task.callInsideLease(Duration.ofSeconds(2)));
  }

  /** The same work with the step API: read (permit) → call (no permit) → write (permit). */
  public static Scenario slowCallReadCallWrite() {
    return slowCall(Task.readCallWrite(Duration.ofSeconds(2)));
  }

  private static Scenario slowCall(Task task) {
    return new Scenario("2 s external call, " + task.name() + ", 100 handlers, pool 10, 60 s",
        () -> SimulatedDatabase.builder().latency(QUERY).latencyJitter(0.2).build(),
        10, Workload.closedLoop(100, task, Duration.ZERO, MAX_WAIT), Duration.ofSeconds(60),
        100 / (2 + 2 * seconds(QUERY)));
  }

  /** Every reference scenario, in the order the report prints them. */
  public static List<Scenario> all() {
    return List.of(coldStartHerd(), hundredHandlersOnThirtyConnections(), impatientCallers(), contendedDatabase(),
        latencyStep(), slowCallInsideLease(), slowCallReadCallWrite());
  }

  /** Sluice with the shipped defaults (gradient, slow start from 2) over a pool of {@code poolSize}. */
  public static PermitGate.Factory sluice(int poolSize) {
    return sluice("sluice gradient", LimitSettings.LimitAlgorithmName.GRADIENT, poolSize);
  }

  public static PermitGate.Factory sluice(String name, LimitSettings.LimitAlgorithmName algorithm, int poolSize) {
    PoolSettings pool = new PoolSettings("db", "sluice-sim", poolSize, poolSize, 10_000, MAX_WAIT,
        Duration.ofSeconds(30), 0, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
    LimitSettings limit = new LimitSettings(algorithm, 2, poolSize, 2, Duration.ofMillis(250), 0.5, 0.8, 1.5, 0.2,
        Duration.ofSeconds(30), 0.9, 1, 0.5);
    return SluiceGate.factory(name, pool, limit);
  }

  /** A bare fixed pool that fails a request after the seed incident's 2 s connection timeout. */
  public static PermitGate.Factory barePool() {
    return FixedPoolGate.factory("bare pool (2 s timeout)", BARE_POOL_TIMEOUT);
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
