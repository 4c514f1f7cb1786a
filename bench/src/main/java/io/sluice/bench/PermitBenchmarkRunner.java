package io.sluice.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.config.LimitSettings;
import io.sluice.persistence.JdbcWork;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints, against the real PostgreSQL: (1) {@code SELECT 1} throughput through permits ÷ bare HikariCP at the same
 * concurrency; (2) the overload scenario (100 requesters, pool 10, 20 ms of work): goodput ÷ ideal (pool size ÷
 * work time) with the error count and the requesters' wait for a connection, for Sluice and for a bare pool with
 * HikariCP's minimum 250 ms timeout, plus each of them with the other's wait budget.
 *
 * <p>Every run opens its own pool (its own {@code application_name}) and, for Sluice, its own actor system; it warms
 * up on that pool and then measures, so no run starts on a cold pool. System properties:
 *
 * <ul>
 *   <li>{@code bench.limit} (default {@code default}): Sluice's limit control, {@code default} = the shipped
 *       {@code limit-control} settings of {@code reference.conf} with the limit set to the pool size (see
 *       {@link BenchLimits}), {@code fixed} = {@link LimitSettings#fixed} at the pool size (no slow start);
 *   <li>{@code bench.seconds} (default 10): each {@code SELECT 1} measurement;
 *   <li>{@code bench.warmup} (default 3): warm-up before each {@code SELECT 1} measurement;
 *   <li>{@code bench.concurrency} (default {@code 10,50}): the closed-loop requesters of the {@code SELECT 1} runs;
 *   <li>{@code bench.overload.seconds} (default 10) and {@code bench.overload.warmup} (default 1): each overload run;
 *   <li>{@code bench.overload.requesters} (default 100): the overload's closed-loop requesters;
 *   <li>{@code bench.scenarios} (default {@code select,overload}): which of the two parts to run.
 * </ul>
 */
public final class PermitBenchmarkRunner {
  private static final int POOL = 10;
  private static final long SECONDS = Long.getLong("bench.seconds", 10);
  private static final long WARMUP = Long.getLong("bench.warmup", 3);
  private static final long OVERLOAD_SECONDS = Long.getLong("bench.overload.seconds", 10);
  private static final long OVERLOAD_WARMUP = Long.getLong("bench.overload.warmup", 1);
  private static final int[] CONCURRENCY = Arrays.stream(System.getProperty("bench.concurrency", "10,50").split(","))
      .map(String::trim).mapToInt(Integer::parseInt).toArray();
  private static final int OVERLOAD_REQUESTERS = Integer.getInteger("bench.overload.requesters", 100);
  private static final String SCENARIOS = System.getProperty("bench.scenarios", "select,overload");
  private static final double WORK_SECONDS = 0.02;
  private static final Duration SLUICE_MAX_WAIT = Duration.ofSeconds(5);
  private static final Duration BARE_TIMEOUT = Duration.ofMillis(250);

  private static final JdbcWork<Integer> SLEEP_20_MS = BenchWork.sleep(WORK_SECONDS);

  private PermitBenchmarkRunner() {}

  public static void main(String[] args) throws Exception {
    LimitSettings limit = BenchLimits.selected(POOL);
    System.out.printf(Locale.ROOT, "Sluice permit benchmark: %s, pool %d, %s%n  Sluice limit: %s%n",
        BenchDatabase.URL, POOL, Machine.describe(), BenchLimits.describeSelected(POOL));
    if (SCENARIOS.contains("select")) {
      selectOne(limit);
    }
    if (SCENARIOS.contains("overload")) {
      overload(limit);
    }
  }

  private static void selectOne(LimitSettings limit) throws Exception {
    System.out.printf(Locale.ROOT, "%n[1] SELECT 1 in a transaction (autocommit off, SELECT 1, commit), closed loop,"
        + " %d s measured after %d s warm-up on the same pool; Sluice: %s%n", SECONDS, WARMUP,
        BenchLimits.describe(limit));
    for (int concurrency : CONCURRENCY) {
      String load = Machine.load();
      double governed = governedThroughput(concurrency, limit);
      double bare = bareThroughput(concurrency);
      System.out.printf(Locale.ROOT,
          "  concurrency %3d: Sluice permits (bench.limit=%s) %8.0f ops/s | bare HikariCP %8.0f ops/s | ratio %.3f"
              + " | %s before%n", concurrency, BenchLimits.CHOICE, governed, bare, governed / bare, load);
    }
  }

  private static void overload(LimitSettings limit) throws Exception {
    double ideal = POOL / WORK_SECONDS;
    System.out.printf(Locale.ROOT, "%n[2] overload: %d closed-loop requesters, pool %d, %.0f ms of work"
            + " (SELECT pg_sleep(%s)), %d s measured after %d s warm-up; ideal = %d / %s s = %.0f ops/s%n",
        OVERLOAD_REQUESTERS, POOL, WORK_SECONDS * 1000, WORK_SECONDS, OVERLOAD_SECONDS, OVERLOAD_WARMUP, POOL,
        WORK_SECONDS, ideal);
    System.out.println("  wait = from asking to holding a connection, successful requests only;"
        + " max backends = most pg_stat_activity rows of the pool, sampled every 2 ms");
    String sluice = "Sluice, " + BenchLimits.describe(limit);
    report(sluice + ", max wait 5 s (default)", governedOverload(limit, SLUICE_MAX_WAIT), ideal);
    report("bare HikariCP, connectionTimeout 250 ms", bareOverload(BARE_TIMEOUT), ideal);
    report(sluice + ", max wait 250 ms (the bare pool's budget)", governedOverload(limit, BARE_TIMEOUT), ideal);
    report("bare HikariCP, connectionTimeout 5 s (Sluice's budget)", bareOverload(SLUICE_MAX_WAIT), ideal);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // [1] SELECT 1 throughput

  /** Closed-loop requesters through the facade; answers completed operations per second after the warm-up. */
  private static double governedThroughput(int concurrency, LimitSettings limit) {
    try (GovernedPostgres governed = new GovernedPostgres(POOL, limit, Duration.ofSeconds(30))) {
      Window window = new Window(WARMUP, SECONDS);
      List<CompletableFuture<Void>> loops = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        loops.add(selectLoop(governed, "bench-" + i, window));
      }
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
      return window.rate();
    }
  }

  private static CompletableFuture<Void> selectLoop(GovernedPostgres governed, String owner, Window window) {
    return ClosedLoop.repeat(window::over, () -> governed.database.withConnection(null, owner, "select-1",
        BenchWork.SELECT_1).thenAccept(value -> window.completed()));
  }

  private static double bareThroughput(int concurrency) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(concurrency);
    try (HikariDataSource bare = BarePool.open(POOL, Duration.ofSeconds(30), "sluice-bench-bare-")) {
      Window window = new Window(WARMUP, SECONDS);
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        all.add(threads.submit(() -> {
          while (!window.over()) {
            // The same transaction the facade runs: autocommit off, the statement, commit.
            try (Connection connection = bare.getConnection()) {
              BenchWork.inTransaction(connection, BenchWork.SELECT_1);
              window.completed();
            }
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      return window.rate();
    } finally {
      threads.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // [2] overload

  private static void report(String label, ClosedLoop.Outcome outcome, double ideal) {
    double goodput = outcome.completed() / (double) OVERLOAD_SECONDS;
    System.out.printf(Locale.ROOT, "  %-55s goodput %4.0f ops/s = %.3f of ideal | errors %s | wait p50 %5.1f ms"
            + " p99 %6.1f ms max %6.1f ms | max backends %d%n", label, goodput, goodput / ideal,
        outcome.errors().describe(), outcome.waitMicros().getValueAtPercentile(50) / 1e3,
        outcome.waitMicros().getValueAtPercentile(99) / 1e3, outcome.waitMicros().getMaxValue() / 1e3,
        outcome.maxBackends());
    if (!outcome.limitTrace().equals("-")) {
      System.out.println("    limit trace (from warm-up start): " + outcome.limitTrace());
    }
  }

  private static ClosedLoop.Outcome governedOverload(LimitSettings limit, Duration maxWait) {
    try (GovernedPostgres governed = new GovernedPostgres(POOL, limit, maxWait)) {
      return ClosedLoop.governed(governed, OVERLOAD_REQUESTERS, new Window(OVERLOAD_WARMUP, OVERLOAD_SECONDS),
          SLEEP_20_MS);
    }
  }

  /** The bare overload runs its work in autocommit (one statement), as it always did. */
  private static ClosedLoop.Outcome bareOverload(Duration connectionTimeout) throws Exception {
    try (HikariDataSource bare = BarePool.open(POOL, connectionTimeout, "sluice-bench-bare-")) {
      return ClosedLoop.bare(bare, OVERLOAD_REQUESTERS, new Window(OVERLOAD_WARMUP, OVERLOAD_SECONDS), SLEEP_20_MS,
          false);
    }
  }
}
