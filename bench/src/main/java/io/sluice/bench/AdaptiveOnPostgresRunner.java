package io.sluice.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The adaptive limit against the real PostgreSQL: the cold-start herd (1,000 requesters at t = 0 on an empty pool of
 * 10) and a latency step made with {@code pg_sleep} (20 ms, then 200 ms for a while, then 20 ms, 100 handlers on a
 * pool of 30), each for Sluice (the shipped limit-control settings, {@link BenchLimits#shipped}: gradient with slow
 * start from 2 as of this writing) and for a bare HikariCP pool with the seed's 2 s timeout. Prints goodput, errors,
 * wait p50/p99, {@code max(pg_stat_activity)} for the pool and the limit trace.
 *
 * <p>{@code -Dbench.step.before}, {@code .during}, {@code .after}: phase lengths in seconds (default 10, 15, 10).
 */
public final class AdaptiveOnPostgresRunner {
  private static final Duration MAX_WAIT = Duration.ofSeconds(5);
  private static final Duration BARE_TIMEOUT = Duration.ofSeconds(2);
  private static final long BEFORE = Long.getLong("bench.step.before", 10);
  private static final long DURING = Long.getLong("bench.step.during", 15);
  private static final long AFTER = Long.getLong("bench.step.after", 10);

  private AdaptiveOnPostgresRunner() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(Locale.ROOT, "Adaptive permits on %s, %d cores%n", BenchDatabase.URL,
        Runtime.getRuntime().availableProcessors());
    coldStartHerdSluice();
    coldStartHerdBare();
    latencyStepSluice();
    latencyStepBare();
  }

  private static void coldStartHerdSluice() {
    try (GovernedPostgres governed = new GovernedPostgres(10, BenchLimits.shipped(10), MAX_WAIT)) {
      Herd.Outcome herd = Herd.governed(governed, 1_000, BenchWork.sleep(0.02));
      System.out.printf(Locale.ROOT,
          "cold-start herd, Sluice %s: %d completed, errors %s, in %.2f s, goodput %.0f/s of ideal 500/s,"
              + " wait p50 %.0f ms p99 %.0f ms, max pg_stat_activity %d%n  limit trace: %s%n",
          BenchLimits.describe(BenchLimits.shipped(10)), herd.completed(), herd.errors().describe(),
          herd.wallSeconds(), herd.completed() / herd.wallSeconds(),
          herd.waitMicros().getValueAtPercentile(50) / 1000.0, herd.waitMicros().getValueAtPercentile(99) / 1000.0,
          herd.maxBackends(), herd.limitTrace());
    }
  }

  /** The bare herd runs its statement in autocommit, as it always did. */
  private static void coldStartHerdBare() throws Exception {
    try (HikariDataSource bare = BarePool.open(10, BARE_TIMEOUT, "sluice-bench-bare-")) {
      Herd.Outcome herd = Herd.bare(bare, 1_000, BenchWork.sleep(0.02), false);
      System.out.printf(Locale.ROOT,
          "cold-start herd, bare HikariCP (2 s timeout): %d completed, errors %s, in %.2f s,"
              + " goodput %.0f/s of ideal 500/s, wait p50 %.0f ms p99 %.0f ms, max pg_stat_activity %d%n",
          herd.completed(), herd.errors().describe(), herd.wallSeconds(), herd.completed() / herd.wallSeconds(),
          herd.waitMicros().getValueAtPercentile(50) / 1000.0, herd.waitMicros().getValueAtPercentile(99) / 1000.0,
          herd.maxBackends());
    }
  }

  /** The query time in force at {@code elapsedSeconds} into the run. */
  private static double queryTime(double elapsedSeconds) {
    return elapsedSeconds >= BEFORE && elapsedSeconds < BEFORE + DURING ? 0.2 : 0.02;
  }

  private static void latencyStepSluice() {
    int handlers = 100;
    try (GovernedPostgres governed = new GovernedPostgres(30, BenchLimits.shipped(30), MAX_WAIT)) {
      BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(governed.applicationName);
      Phases phases = new Phases();
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(BEFORE + DURING + AFTER).toNanos();
      try (LimitTrace trace = new LimitTrace(governed, start)) {
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < handlers; i++) {
          loops.add(stepLoop(governed, "handler-" + i, start, end, phases).toCompletableFuture());
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
        System.out.printf(Locale.ROOT, "latency step (20 ms -> 200 ms from %d s for %d s), %d handlers, pool 30,"
                + " Sluice (shipped limit): %s, max pg_stat_activity %d%n  limit trace: %s%n", BEFORE, DURING, handlers,
            phases.describe(), backends.stop(), trace.describe());
      }
    }
  }

  private static CompletionStage<Void> stepLoop(GovernedPostgres governed, String owner, long start, long end,
      Phases phases) {
    return ClosedLoop.repeat(() -> System.nanoTime() >= end, () -> governed.database.withConnection(null, owner,
            "step", BenchWork.sleep(queryTime((System.nanoTime() - start) / 1e9)))
        .handle((value, failure) -> {
          phases.record((System.nanoTime() - start) / 1e9, failure == null);
          return null;
        }));
  }

  private static void latencyStepBare() throws Exception {
    int handlers = 100;
    ExecutorService threads = Executors.newFixedThreadPool(handlers);
    try (HikariDataSource bare = BarePool.open(30, BARE_TIMEOUT, "sluice-bench-bare-")) {
      BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(BarePool.applicationName(bare));
      Phases phases = new Phases();
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(BEFORE + DURING + AFTER).toNanos();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < handlers; i++) {
        all.add(threads.submit(() -> {
          while (System.nanoTime() < end) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean ok;
            try (Connection connection = bare.getConnection()) {
              BenchWork.sleep(queryTime(elapsed)).run(connection);
              ok = true;
            } catch (SQLTransientConnectionException e) {
              ok = false;
            }
            phases.record((System.nanoTime() - start) / 1e9, ok);
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      System.out.printf(Locale.ROOT, "latency step (20 ms -> 200 ms from %d s for %d s), %d handlers, pool 30,"
              + " bare HikariCP (2 s timeout): %s, max pg_stat_activity %d%n", BEFORE, DURING, handlers,
          phases.describe(), backends.stop());
    } finally {
      threads.shutdownNow();
    }
  }

  /** Completions and errors before, during and after the step. */
  private static final class Phases {
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void record(double elapsedSeconds, boolean ok) {
      String phase = elapsedSeconds < BEFORE ? "before" : elapsedSeconds < BEFORE + DURING ? "during" : "after";
      counts.computeIfAbsent(phase + (ok ? "" : "-errors"), key -> new AtomicLong()).incrementAndGet();
    }

    private long get(String key) {
      AtomicLong count = counts.get(key);
      return count == null ? 0 : count.get();
    }

    String describe() {
      return String.format(Locale.ROOT, "goodput before %.0f/s, during %.0f/s, after %.0f/s; errors %d/%d/%d",
          get("before") / (double) BEFORE, get("during") / (double) DURING, get("after") / (double) AFTER,
          get("before-errors"), get("during-errors"), get("after-errors"));
    }
  }
}
