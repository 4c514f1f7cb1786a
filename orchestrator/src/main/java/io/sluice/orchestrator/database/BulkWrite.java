package io.sluice.orchestrator.database;

import akka.Done;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import io.sluice.persistence.JdbcBatch;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Elements written in ONE transaction under ONE permit: each materialization asks a permit, the elements are grouped
 * into JDBC batches of {@code batchSize} and sent one batch at a time ({@code mapAsync(1)}) through one prepared
 * statement on the leased connection, on the JDBC dispatcher. When the stream ends, after the last batch has
 * returned: commit if the upstream completed and every batch succeeded, roll back otherwise (upstream failure, a
 * failing statement, a binder that throws), so a failed import stores nothing. The permit is released on every path,
 * flagged failed unless the commit succeeded.
 *
 * <p>Why not Alpakka Slick's {@code Slick.sink(session, (element, connection) -> PreparedStatement)}, even over a
 * session bound to the leased connection: it runs every element as its own Slick action ({@code db.run} per element),
 * each taking its own session, with no way to span one transaction across the stream ({@code transactionally} wraps
 * one action, not a stream of them) and no hook to commit or roll back when the stream ends; binding it to one
 * connection would need a {@code javax.sql.DataSource} wrapper that ignores {@code close()} (outside persistence, which
 * the architecture forbids); its statements run on Slick's own AsyncExecutor threads, not on {@code
 * sluice.jdbc-dispatcher}; and it executes one statement per element where JDBC batches need one round trip per batch.
 */
final class BulkWrite<T> {
  private final CompletionStage<LeasedConnection> lease;
  private final JdbcBatch<T> batch;
  /** The batch being written, if any: the end of the stream waits for it before committing or rolling back. */
  private volatile CompletionStage<Integer> lastWrite = CompletableFuture.completedFuture(0);
  /** Touched only in steps on the leased connection, which never overlap. */
  private PreparedStatement statement;
  private long written;

  private BulkWrite(CompletionStage<LeasedConnection> lease, JdbcBatch<T> batch) {
    this.lease = lease;
    this.batch = batch;
  }

  static <T> Sink<T, CompletionStage<Long>> sink(Supplier<CompletionStage<LeasedConnection>> lease,
      JdbcBatch<T> batch) {
    return Sink.<T, CompletionStage<Long>>fromMaterializer((materializer, attributes) -> {
      BulkWrite<T> write = new BulkWrite<>(lease.get(), batch);
      return Flow.<T>create()
          .grouped(batch.batchSize())
          .mapAsync(1, write::write)
          .toMat(Sink.ignore(), Keep.right())
          .mapMaterializedValue(write::finish);
    }).mapMaterializedValue(nested -> nested.thenCompose(Function.identity()));
  }

  private CompletionStage<Integer> write(List<T> elements) {
    CompletionStage<Integer> step = lease.thenCompose(leased -> leased.step(connection -> {
      if (statement == null) {
        statement = connection.prepareStatement(batch.sql());
      }
      for (T element : elements) {
        batch.binder().bind(element, statement);
        statement.addBatch();
      }
      statement.executeBatch();
      written += elements.size();
      return elements.size();
    }));
    lastWrite = step;
    return step;
  }

  /** Once the stream has ended and its last batch returned: commit or roll back, then release the permit. */
  private CompletionStage<Long> finish(CompletionStage<Done> streamEnd) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    streamEnd.whenComplete((done, streamFailure) -> lastWrite.whenComplete((ignored, writeFailure) ->
        lease.whenComplete((leased, leaseFailure) -> {
          if (leased == null) {
            // No permit, or no connection: nothing was written and nothing is held.
            result.completeExceptionally(unwrap(leaseFailure));
          } else {
            end(leased, streamFailure == null ? null : unwrap(streamFailure), result);
          }
        })));
    return result;
  }

  private void end(LeasedConnection leased, Throwable streamFailure, CompletableFuture<Long> result) {
    leased.step(connection -> {
      try (PreparedStatement closing = statement) {
        // A failed batch fails the stream too: any failure means roll back.
        if (streamFailure != null) {
          return false;
        }
        connection.commit();
        return true;
      }
    }).whenComplete((committed, commitFailure) -> {
      boolean ok = Boolean.TRUE.equals(committed);
      // Rolls back whatever was not committed.
      leased.release(!ok).thenRun(() -> {
        if (ok) {
          result.complete(written);
        } else {
          result.completeExceptionally(streamFailure != null ? streamFailure : unwrap(commitFailure));
        }
      });
    });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
