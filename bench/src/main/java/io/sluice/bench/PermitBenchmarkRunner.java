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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints, against the real PostgreSQL: (1) {@code SELECT 1} throughput through permits ÷ bare HikariCP at the same
 * concurrency; (2) the overload scenario (100 requesters, pool 10, 20 ms of work): goodput ÷ ideal (pool size ÷
 * work time) with the error count, for Sluice and for a bare pool with HikariCP's minimum 250 ms timeout.
 *
 * <p>Durations: {@code -Dbench.seconds} (default 10) per measurement after {@code -Dbench.warmup} (default 3).
 */
public final class PermitBenchmarkRunner {
  private static final int POOL = 10;
  private static final long SECONDS = Long.getLong("bench.seconds", 10);
  private static final long WARMUP = Long.getLong("bench.warmup", 3);
  private static final JdbcWork<Integer> SELECT_1 = connection -> {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT 1")) {
      row.next();
      return row.getInt(1);
    }
  };
  private static final JdbcWork<Integer> SLEEP_20_MS = connection -> {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_sleep(0.02)");
      return 1;
    }
  };

  private PermitBenchmarkRunner() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(Locale.ROOT, "Sluice permit benchmark: %s, pool %d, %d s per run after %d s warm-up, %d cores%n",
        BenchDatabase.URL, POOL, SECONDS, WARMUP, Runtime.getRuntime().availableProcessors());
    for (int concurrency : new int[] {10, 50}) {
      double governed = governedThroughput(concurrency, SELECT_1, WARMUP);
      governed = governedThroughput(concurrency, SELECT_1, SECONDS);
      double bare = bareThroughput(concurrency, WARMUP);
      bare = bareThroughput(concurrency, SECONDS);
      System.out.printf(Locale.ROOT,
          "SELECT 1, concurrency %3d: permits %8.0f ops/s, bare HikariCP %8.0f ops/s, ratio %.3f%n",
          concurrency, governed, bare, governed / bare);
    }
    overload();
  }

  /** Closed-loop requesters through the facade for {@code seconds}; answers completed operations per second. */
  private static double governedThroughput(int concurrency, JdbcWork<Integer> work, long seconds) {
    try (GovernedPool governed = new GovernedPool(POOL, LimitSettings.fixed(POOL), Duration.ofSeconds(30))) {
      AtomicLong done = new AtomicLong();
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      List<CompletableFuture<Void>> loops = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        loops.add(loop(governed, "bench-" + i, work, end, done).toCompletableFuture());
      }
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
      return done.get() / (double) seconds;
    }
  }

  private static CompletionStage<Void> loop(GovernedPool governed, String owner, JdbcWork<Integer> work, long end,
      AtomicLong done) {
    if (System.nanoTime() >= end) {
      return CompletableFuture.completedFuture(null);
    }
    return governed.database.withConnection(null, owner, "select-1", work)
        .thenCompose(value -> {
          done.incrementAndGet();
          return loop(governed, owner, work, end, done);
        });
  }

  private static double bareThroughput(int concurrency, long seconds) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(concurrency);
    try (HikariDataSource bare = BarePool.open(POOL, Duration.ofSeconds(30), "sluice-bench-bare-")) {
      AtomicLong done = new AtomicLong();
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        all.add(threads.submit(() -> {
          while (System.nanoTime() < end) {
            // The same transaction the facade runs: autocommit off, the statement, commit.
            try (Connection connection = bare.getConnection()) {
              connection.setAutoCommit(false);
              SELECT_1.run(connection);
              connection.commit();
              done.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      return done.get() / (double) seconds;
    } finally {
      threads.shutdownNow();
    }
  }

  /** 100 closed-loop requesters, 20 ms of work each, on 10 connections: the seed's overload. */
  private static void overload() throws Exception {
    int requesters = 100;
    double ideal = POOL / 0.02;
    try (GovernedPool governed = new GovernedPool(POOL, LimitSettings.fixed(POOL), Duration.ofSeconds(5))) {
      BenchDatabase.BackendSampler sampler = new BenchDatabase.BackendSampler(governed.applicationName);
      AtomicLong done = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
      List<CompletableFuture<Void>> loops = new ArrayList<>();
      for (int i = 0; i < requesters; i++) {
        loops.add(overloadLoop(governed, "handler-" + i, end, done, errors).toCompletableFuture());
      }
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
      int maxBackends = sampler.stop();
      double goodput = done.get() / (double) SECONDS;
      System.out.printf(Locale.ROOT,
          "overload %d requesters, pool %d, 20 ms work, Sluice: goodput %.0f/s of ideal %.0f/s = %.3f, errors %d,"
              + " max backends %d, wait p99 %.1f ms%n", requesters, POOL, goodput, ideal, goodput / ideal,
          errors.get(), maxBackends, governed.stats().waitMillis().p99());
    }
    ExecutorService threads = Executors.newFixedThreadPool(requesters);
    try (HikariDataSource bare = BarePool.open(POOL, Duration.ofMillis(250), "sluice-bench-bare-")) {
      BenchDatabase.BackendSampler sampler = new BenchDatabase.BackendSampler(BarePool.applicationName(bare));
      AtomicLong done = new AtomicLong();
      AtomicLong timeouts = new AtomicLong();
      long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < requesters; i++) {
        all.add(threads.submit(() -> {
          while (System.nanoTime() < end) {
            try (Connection connection = bare.getConnection()) {
              SLEEP_20_MS.run(connection);
              done.incrementAndGet();
            } catch (SQLTransientConnectionException e) {
              timeouts.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      int maxBackends = sampler.stop();
      double goodput = done.get() / (double) SECONDS;
      System.out.printf(Locale.ROOT,
          "overload %d requesters, pool %d, 20 ms work, bare HikariCP (250 ms timeout): goodput %.0f/s of ideal"
              + " %.0f/s = %.3f, errors %d (connection timeouts), max backends %d%n", requesters, POOL, goodput,
          ideal, goodput / ideal, timeouts.get(), maxBackends);
    } finally {
      threads.shutdownNow();
    }
  }

  private static CompletionStage<Void> overloadLoop(GovernedPool governed, String owner, long end, AtomicLong done,
      AtomicLong errors) {
    if (System.nanoTime() >= end) {
      return CompletableFuture.completedFuture(null);
    }
    return governed.database.withConnection(null, owner, "pg-sleep", SLEEP_20_MS)
        .handle((value, failure) -> {
          (failure == null ? done : errors).incrementAndGet();
          return null;
        })
        .thenCompose(ignored -> overloadLoop(governed, owner, end, done, errors));
  }

}
