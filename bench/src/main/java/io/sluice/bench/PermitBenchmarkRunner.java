package io.sluice.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.config.LimitSettings;
import io.sluice.persistence.JdbcWork;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

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

  private static final JdbcWork<Integer> SELECT_1 = connection -> {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT 1")) {
      row.next();
      return row.getInt(1);
    }
  };
  private static final JdbcWork<Integer> SLEEP_20_MS = connection -> {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_sleep(" + WORK_SECONDS + ")");
      return 1;
    }
  };

  private PermitBenchmarkRunner() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(Locale.ROOT, "Sluice permit benchmark: %s, pool %d, %d cores, Java %s%n", BenchDatabase.URL,
        POOL, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (SCENARIOS.contains("select")) {
      selectOne();
    }
    if (SCENARIOS.contains("overload")) {
      overload();
    }
  }

  private static void selectOne() throws Exception {
    System.out.printf(Locale.ROOT, "%n[1] SELECT 1 in a transaction (autocommit off, SELECT 1, commit), closed loop,"
        + " %d s measured after %d s warm-up on the same pool; Sluice: fixed limit %d%n", SECONDS, WARMUP, POOL);
    for (int concurrency : CONCURRENCY) {
      double governed = governedThroughput(concurrency);
      double bare = bareThroughput(concurrency);
      System.out.printf(Locale.ROOT,
          "  concurrency %3d: Sluice permits %8.0f ops/s | bare HikariCP %8.0f ops/s | ratio %.3f%n",
          concurrency, governed, bare, governed / bare);
    }
  }

  private static void overload() throws Exception {
    double ideal = POOL / WORK_SECONDS;
    System.out.printf(Locale.ROOT, "%n[2] overload: %d closed-loop requesters, pool %d, %.0f ms of work"
            + " (SELECT pg_sleep(%s)), %d s measured after %d s warm-up; ideal = %d / %s s = %.0f ops/s%n",
        OVERLOAD_REQUESTERS, POOL, WORK_SECONDS * 1000, WORK_SECONDS, OVERLOAD_SECONDS, OVERLOAD_WARMUP, POOL,
        WORK_SECONDS, ideal);
    System.out.println("  wait = from asking to holding a connection, successful requests only;"
        + " max backends = most pg_stat_activity rows of the pool, sampled every 2 ms");
    report("Sluice, fixed limit 10, max wait 5 s (default)", governedOverload(SLUICE_MAX_WAIT), ideal);
    report("bare HikariCP, connectionTimeout 250 ms", bareOverload(BARE_TIMEOUT), ideal);
    report("Sluice, max wait 250 ms (the bare pool's budget)", governedOverload(BARE_TIMEOUT), ideal);
    report("bare HikariCP, connectionTimeout 5 s (Sluice's budget)", bareOverload(SLUICE_MAX_WAIT), ideal);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // [1] SELECT 1 throughput

  /** Closed-loop requesters through the facade; answers completed operations per second after the warm-up. */
  private static double governedThroughput(int concurrency) {
    try (GovernedPostgres governed = new GovernedPostgres(POOL, LimitSettings.fixed(POOL), Duration.ofSeconds(30))) {
      Window window = new Window(WARMUP, SECONDS);
      List<CompletableFuture<Void>> loops = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        loops.add(selectLoop(governed, "bench-" + i, window).toCompletableFuture());
      }
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
      return window.completed.get() / (double) SECONDS;
    }
  }

  private static CompletionStage<Void> selectLoop(GovernedPostgres governed, String owner, Window window) {
    if (window.over()) {
      return CompletableFuture.completedFuture(null);
    }
    return governed.database.withConnection(null, owner, "select-1", SELECT_1)
        .thenCompose(value -> {
          window.completed();
          return selectLoop(governed, owner, window);
        });
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
              connection.setAutoCommit(false);
              SELECT_1.run(connection);
              connection.commit();
              window.completed();
            }
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      return window.completed.get() / (double) SECONDS;
    } finally {
      threads.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // [2] overload

  private record Outcome(long completed, long errors, String errorKind, ConcurrentHistogram waitMicros,
      int maxBackends) {}

  private static void report(String label, Outcome outcome, double ideal) {
    double goodput = outcome.completed / (double) OVERLOAD_SECONDS;
    System.out.printf(Locale.ROOT, "  %-55s goodput %4.0f ops/s = %.3f of ideal | errors %5d%s | wait p50 %5.1f ms"
            + " p99 %6.1f ms max %6.1f ms | max backends %d%n", label, goodput, goodput / ideal, outcome.errors,
        outcome.errors == 0 ? "" : " (" + outcome.errorKind + ")", outcome.waitMicros.getValueAtPercentile(50) / 1e3,
        outcome.waitMicros.getValueAtPercentile(99) / 1e3, outcome.waitMicros.getMaxValue() / 1e3,
        outcome.maxBackends);
  }

  private static Outcome governedOverload(Duration maxWait) {
    try (GovernedPostgres governed = new GovernedPostgres(POOL, LimitSettings.fixed(POOL), maxWait)) {
      BenchDatabase.BackendSampler sampler = new BenchDatabase.BackendSampler(governed.applicationName);
      Window window = new Window(OVERLOAD_WARMUP, OVERLOAD_SECONDS);
      ConcurrentHistogram waits = new ConcurrentHistogram(3);
      AtomicLong errors = new AtomicLong();
      List<CompletableFuture<Void>> loops = new ArrayList<>();
      for (int i = 0; i < OVERLOAD_REQUESTERS; i++) {
        loops.add(overloadLoop(governed, "handler-" + i, window, waits, errors).toCompletableFuture());
      }
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
      return new Outcome(window.completed.get(), errors.get(), "Rejected TIMED_OUT", waits, sampler.stop());
    }
  }

  private static CompletionStage<Void> overloadLoop(GovernedPostgres governed, String owner, Window window,
      ConcurrentHistogram waits, AtomicLong errors) {
    if (window.over()) {
      return CompletableFuture.completedFuture(null);
    }
    long asked = System.nanoTime();
    return governed.database.withConnection(null, owner, "pg-sleep", connection -> {
          if (window.measuring(asked)) {
            waits.recordValue((System.nanoTime() - asked) / 1000);
          }
          return SLEEP_20_MS.run(connection);
        })
        .handle((value, failure) -> {
          if (failure == null) {
            window.completed();
          } else if (window.measuring(asked)) {
            errors.incrementAndGet();
          }
          return null;
        })
        .thenCompose(ignored -> overloadLoop(governed, owner, window, waits, errors));
  }

  private static Outcome bareOverload(Duration connectionTimeout) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(OVERLOAD_REQUESTERS);
    try (HikariDataSource bare = BarePool.open(POOL, connectionTimeout, "sluice-bench-bare-")) {
      BenchDatabase.BackendSampler sampler = new BenchDatabase.BackendSampler(BarePool.applicationName(bare));
      Window window = new Window(OVERLOAD_WARMUP, OVERLOAD_SECONDS);
      ConcurrentHistogram waits = new ConcurrentHistogram(3);
      AtomicLong timeouts = new AtomicLong();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < OVERLOAD_REQUESTERS; i++) {
        all.add(threads.submit(() -> {
          while (!window.over()) {
            long asked = System.nanoTime();
            try (Connection connection = bare.getConnection()) {
              if (window.measuring(asked)) {
                waits.recordValue((System.nanoTime() - asked) / 1000);
              }
              SLEEP_20_MS.run(connection);
              window.completed();
            } catch (SQLTransientConnectionException e) {
              if (window.measuring(asked)) {
                timeouts.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      return new Outcome(window.completed.get(), timeouts.get(), "connection timeouts", waits, sampler.stop());
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * A warm-up followed by a measured window. Operations completing inside the window are counted; a requester stops
   * at the end of the window (work in flight then finishes uncounted), so a count divided by the window's length is
   * a rate.
   */
  private static final class Window {
    final long start;
    final long end;
    final AtomicLong completed = new AtomicLong();

    Window(long warmupSeconds, long seconds) {
      start = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
      end = start + Duration.ofSeconds(seconds).toNanos();
    }

    boolean over() {
      return System.nanoTime() >= end;
    }

    /** Whether a request made at {@code askedNanos} belongs to the measurement. */
    boolean measuring(long askedNanos) {
      return askedNanos >= start;
    }

    void completed() {
      long now = System.nanoTime();
      if (now >= start && now < end) {
        completed.incrementAndGet();
      }
    }
  }
}
