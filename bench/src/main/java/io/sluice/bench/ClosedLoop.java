package io.sluice.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.persistence.JdbcWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Closed-loop requesters (each asks again as soon as its previous request finished) until a {@link Window} ends,
 * through Sluice's facade or on a bare HikariCP pool. Counts completions and failures inside the window, the
 * requesters' wait from asking to holding a connection (successful requests) and the most backends of the pool in
 * {@code pg_stat_activity} (sampled every 2 ms).
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /**
   * What a run did inside its window.
   *
   * @param limitTrace the governed pool's limit changes ({@code ms:limit}), {@code -} for a bare pool
   */
  record Outcome(long completed, Errors errors, ConcurrentHistogram waitMicros, int maxBackends, String limitTrace) {}

  /** {@code requesters} closed loops of {@code database.withConnection(work)} (the facade's transaction). */
  static Outcome governed(GovernedPostgres governed, int requesters, Window window, JdbcWork<?> work) {
    BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(governed.applicationName);
    try (LimitTrace trace = new LimitTrace(governed, System.nanoTime())) {
      ConcurrentHistogram waits = new ConcurrentHistogram(3);
      Errors errors = new Errors();
      List<CompletableFuture<Void>> loops = new ArrayList<>();
      for (int i = 0; i < requesters; i++) {
        loops.add(loop(governed, "requester-" + i, window, work, waits, errors).toCompletableFuture());
      }
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
      return new Outcome(window.completed.get(), errors, waits, backends.stop(), trace.describe());
    } finally {
      backends.close();
    }
  }

  private static CompletionStage<Void> loop(GovernedPostgres governed, String owner, Window window, JdbcWork<?> work,
      ConcurrentHistogram waits, Errors errors) {
    return repeat(window::over, () -> {
      long asked = System.nanoTime();
      return governed.database.withConnection(null, owner, "closed-loop", connection -> {
            if (window.measuring(asked)) {
              waits.recordValue((System.nanoTime() - asked) / 1000);
            }
            return work.run(connection);
          })
          .handle((value, failure) -> {
            if (failure == null) {
              window.completed();
            } else if (window.measuring(asked)) {
              errors.record(failure);
            }
            return null;
          });
    });
  }

  /**
   * Runs {@code request} again each time the previous one ended, until {@code over} says so; completes then. The next
   * request starts from the previous one's completion instead of being composed into it, so no chain of finished
   * stages builds up over a run (which would hold every operation's futures until the end, and make the GC of the
   * governed side measure the bench).
   */
  static CompletableFuture<Void> repeat(BooleanSupplier over, Supplier<CompletionStage<?>> request) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    next(over, request, done);
    return done;
  }

  private static void next(BooleanSupplier over, Supplier<CompletionStage<?>> request, CompletableFuture<Void> done) {
    if (over.getAsBoolean()) {
      done.complete(null);
      return;
    }
    request.get().whenComplete((value, failure) -> next(over, request, done));
  }

  /**
   * {@code requesters} threads, each looping {@code getConnection()} → work → {@code close()}; with
   * {@code transaction} the work runs as the facade runs it (autocommit off, work, commit), otherwise in autocommit.
   */
  static Outcome bare(HikariDataSource bare, int requesters, Window window, JdbcWork<?> work, boolean transaction)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(requesters);
    BenchDatabase.BackendSampler backends = new BenchDatabase.BackendSampler(BarePool.applicationName(bare));
    try {
      ConcurrentHistogram waits = new ConcurrentHistogram(3);
      Errors errors = new Errors();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < requesters; i++) {
        all.add(threads.submit(() -> {
          while (!window.over()) {
            long asked = System.nanoTime();
            try (Connection connection = bare.getConnection()) {
              if (window.measuring(asked)) {
                waits.recordValue((System.nanoTime() - asked) / 1000);
              }
              BenchWork.run(connection, work, transaction);
              window.completed();
            } catch (SQLException e) {
              if (window.measuring(asked)) {
                errors.record(e);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> one : all) {
        one.get();
      }
      return new Outcome(window.completed.get(), errors, waits, backends.stop(), "-");
    } finally {
      backends.close();
      threads.shutdownNow();
    }
  }
}
