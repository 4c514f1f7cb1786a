package io.sluice.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.persistence.JdbcWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * A herd: {@code requesters} requests at once, one each, on a pool that was just opened (no connection yet). Measures
 * the wall time from the first request to the last one finished (successfully or not), the failures, each
 * successful request's wait from asking to holding a connection and the most backends of the pool in
 * {@code pg_stat_activity}.
 */
final class Herd {
  private Herd() {}

  /**
   * What a herd did.
   *
   * @param limitTrace the governed pool's limit changes ({@code ms:limit}), {@code -} for a bare pool
   */
  record Outcome(long completed, Errors errors, double wallSeconds, ConcurrentHistogram waitMicros, int maxBackends,
      String limitTrace) {}

  /** The requests are {@code database.withConnection(work)} calls made back to back from one thread. */
  static Outcome governed(GovernedPostgres governed, int requesters, JdbcWork<?> work) {
    BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(governed.applicationName);
    ConcurrentHistogram waits = new ConcurrentHistogram(3);
    Errors errors = new Errors();
    AtomicLong completed = new AtomicLong();
    AtomicLong lastDone = new AtomicLong();
    long start = System.nanoTime();
    try (LimitTrace trace = new LimitTrace(governed, start)) {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < requesters; i++) {
        long asked = System.nanoTime();
        all.add(governed.database.withConnection(null, "requester-" + i, "herd", connection -> {
          waits.recordValue((System.nanoTime() - asked) / 1000);
          return work.run(connection);
        }).toCompletableFuture().handle((value, failure) -> {
          if (failure == null) {
            completed.incrementAndGet();
          } else {
            errors.record(failure);
          }
          lastDone.accumulateAndGet(System.nanoTime(), Math::max);
          return null;
        }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      return new Outcome(completed.get(), errors, (lastDone.get() - start) / 1e9, waits, backends.stop(),
          trace.describe());
    } finally {
      backends.close();
    }
  }

  /**
   * One thread per request. The threads are started first and released together by a gate, so the wall time does
   * not include creating them; with {@code transaction} the work runs as the facade runs it (autocommit off, work,
   * commit), otherwise in autocommit.
   */
  static Outcome bare(HikariDataSource bare, int requesters, JdbcWork<?> work, boolean transaction)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(requesters);
    BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(BarePool.applicationName(bare));
    try {
      ConcurrentHistogram waits = new ConcurrentHistogram(3);
      Errors errors = new Errors();
      AtomicLong completed = new AtomicLong();
      AtomicLong lastDone = new AtomicLong();
      CountDownLatch ready = new CountDownLatch(requesters);
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < requesters; i++) {
        all.add(threads.submit(() -> {
          ready.countDown();
          gate.await();
          long asked = System.nanoTime();
          try (Connection connection = bare.getConnection()) {
            waits.recordValue((System.nanoTime() - asked) / 1000);
            BenchWork.run(connection, work, transaction);
            completed.incrementAndGet();
          } catch (SQLException e) {
            errors.record(e);
          }
          lastDone.accumulateAndGet(System.nanoTime(), Math::max);
          return null;
        }));
      }
      ready.await();
      long start = System.nanoTime();
      gate.countDown();
      for (Future<?> one : all) {
        one.get();
      }
      return new Outcome(completed.get(), errors, (lastDone.get() - start) / 1e9, waits, backends.stop(), "-");
    } finally {
      backends.close();
      threads.shutdownNow();
    }
  }
}
