package io.sluice.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.config.LimitSettings;
import io.sluice.persistence.JdbcWork;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The adaptive limit against the real PostgreSQL: the cold-start herd (1,000 requesters at t = 0 on an empty pool of
 * 10) and a latency step made with {@code pg_sleep} (20 ms, then 200 ms for a while, then 20 ms, 100 handlers on a
 * pool of 30), each for Sluice (gradient, slow start from 2) and for a bare HikariCP pool with the seed's 2 s
 * timeout. Prints goodput, errors, wait p50/p99, {@code max(pg_stat_activity)} for the pool and the limit trace.
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

  private static LimitSettings gradient(int poolSize) {
    return new LimitSettings(LimitSettings.LimitAlgorithmName.GRADIENT, 2, poolSize, 2, Duration.ofMillis(250), 0.5,
        0.8, 1.5, 0.2, Duration.ofSeconds(30), 0.9, 1, 0.5);
  }

  private static JdbcWork<Integer> sleep(double seconds) {
    return connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_sleep(" + seconds + ")");
        return 1;
      }
    };
  }

  public static void main(String[] args) throws Exception {
    System.out.printf(Locale.ROOT, "Adaptive permits on %s, %d cores%n", BenchDatabase.URL,
        Runtime.getRuntime().availableProcessors());
    coldStartHerdSluice();
    coldStartHerdBare();
    latencyStepSluice();
    latencyStepBare();
  }

  /** Records the limit every 50 ms while a run lasts. */
  private static final class LimitTrace implements AutoCloseable {
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> points = new ArrayList<>();
    private int last = -1;

    LimitTrace(GovernedPostgres governed, long startNanos) {
      sampler.scheduleAtFixedRate(() -> {
        int limit = governed.stats().limit();
        synchronized (points) {
          if (limit != last) {
            points.add((System.nanoTime() - startNanos) / 1_000_000 + "ms:" + limit);
            last = limit;
          }
        }
      }, 0, 50, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }

    String describe() {
      synchronized (points) {
        return String.join(" ", points.size() > 30 ? points.subList(0, 30) : points)
            + (points.size() > 30 ? " …" : "");
      }
    }
  }

  private static void coldStartHerdSluice() throws Exception {
    try (GovernedPostgres governed = new GovernedPostgres(10, gradient(10), MAX_WAIT)) {
      BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(governed.applicationName);
      ConcurrentHistogram waits = new ConcurrentHistogram(3);
      AtomicLong errors = new AtomicLong();
      long start = System.nanoTime();
      List<CompletableFuture<Integer>> all = new ArrayList<>();
      try (LimitTrace trace = new LimitTrace(governed, start)) {
        for (int i = 0; i < 1_000; i++) {
          long asked = System.nanoTime();
          all.add(governed.database.withConnection(null, "worker-" + i, "cold-start", connection -> {
            waits.recordValue((System.nanoTime() - asked) / 1000);
            return sleep(0.02).run(connection);
          }).toCompletableFuture().exceptionally(failure -> {
            errors.incrementAndGet();
            return 0;
          }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        long completed = all.stream().mapToInt(CompletableFuture::join).sum();
        System.out.printf(Locale.ROOT,
            "cold-start herd, Sluice gradient: %d completed, %d errors in %.2f s, goodput %.0f/s of ideal 500/s,"
                + " wait p50 %.0f ms p99 %.0f ms, max pg_stat_activity %d%n  limit trace: %s%n", completed,
            errors.get(), seconds, completed / seconds, waits.getValueAtPercentile(50) / 1000.0,
            waits.getValueAtPercentile(99) / 1000.0, backends.stop(), trace.describe());
      }
    }
  }

  private static void coldStartHerdBare() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(1_000);
    try (HikariDataSource bare = BarePool.open(10, BARE_TIMEOUT, "sluice-bench-bare-")) {
      BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(BarePool.applicationName(bare));
      ConcurrentHistogram waits = new ConcurrentHistogram(3);
      AtomicLong completed = new AtomicLong();
      AtomicLong timeouts = new AtomicLong();
      long start = System.nanoTime();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        all.add(threads.submit(() -> {
          long asked = System.nanoTime();
          try (Connection connection = bare.getConnection()) {
            waits.recordValue((System.nanoTime() - asked) / 1000);
            sleep(0.02).run(connection);
            completed.incrementAndGet();
          } catch (SQLTransientConnectionException e) {
            timeouts.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT,
          "cold-start herd, bare HikariCP (2 s timeout): %d completed, %d errors (connection timeouts) in %.2f s,"
              + " goodput %.0f/s of ideal 500/s, wait p50 %.0f ms p99 %.0f ms, max pg_stat_activity %d%n",
          completed.get(), timeouts.get(), seconds, completed.get() / seconds,
          waits.getValueAtPercentile(50) / 1000.0, waits.getValueAtPercentile(99) / 1000.0, backends.stop());
    } finally {
      threads.shutdownNow();
    }
  }

  /** The query time in force at {@code elapsedSeconds} into the run. */
  private static double queryTime(double elapsedSeconds) {
    return elapsedSeconds >= BEFORE && elapsedSeconds < BEFORE + DURING ? 0.2 : 0.02;
  }

  private static void latencyStepSluice() {
    int handlers = 100;
    try (GovernedPostgres governed = new GovernedPostgres(30, gradient(30), MAX_WAIT)) {
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
                + " Sluice gradient: %s, max pg_stat_activity %d%n  limit trace: %s%n", BEFORE, DURING, handlers,
            phases.describe(), backends.stop(), trace.describe());
      }
    }
  }

  private static CompletionStage<Void> stepLoop(GovernedPostgres governed, String owner, long start, long end,
      Phases phases) {
    long now = System.nanoTime();
    if (now >= end) {
      return CompletableFuture.completedFuture(null);
    }
    double elapsed = (now - start) / 1e9;
    return governed.database.withConnection(null, owner, "step", sleep(queryTime(elapsed)))
        .handle((value, failure) -> {
          phases.record((System.nanoTime() - start) / 1e9, failure == null);
          return null;
        })
        .thenCompose(ignored -> stepLoop(governed, owner, start, end, phases));
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
              sleep(queryTime(elapsed)).run(connection);
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
