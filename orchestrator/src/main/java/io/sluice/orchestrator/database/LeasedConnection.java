package io.sluice.orchestrator.database;

import akka.Done;
import akka.actor.typed.ActorRef;
import io.sluice.persistence.GovernedPool;
import io.sluice.persistence.JdbcWork;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.Release;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A permit and its connection (autocommit off) held by a stream between its steps. Every step runs on the JDBC
 * dispatcher, strictly one after the other (a JDBC connection is not for concurrent use), and the lease is released
 * exactly once.
 *
 * <p>The release reports no latency to the supervisor: a stream's lifetime is set by its consumer, not by the
 * database, and must not move the adaptive limit's baseline.
 */
final class LeasedConnection {
  private static final Logger log = LoggerFactory.getLogger(LeasedConnection.class);

  private final Lease lease;
  private final Connection connection;
  private final GovernedPool pool;
  private final ActorRef<PermitCommand> supervisor;
  private final Executor jdbcExecutor;
  private final AtomicBoolean released = new AtomicBoolean();
  /** The last step asked for; the next one starts when it ends. */
  private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

  LeasedConnection(Lease lease, Connection connection, GovernedPool pool, ActorRef<PermitCommand> supervisor,
      Executor jdbcExecutor) {
    this.lease = lease;
    this.connection = connection;
    this.pool = pool;
    this.supervisor = supervisor;
    this.jdbcExecutor = jdbcExecutor;
  }

  /**
   * Runs one blocking step on the JDBC dispatcher once the step before it has ended, whatever its outcome: a close
   * asked for while a read is still fetching (downstream cancelled meanwhile) waits for that read instead of closing
   * the result set under it. A failure comes back unwrapped, as a {@link LeaseRevokedException} if the supervisor took
   * the lease back (its connection was aborted under the step).
   */
  synchronized <T> CompletionStage<T> step(JdbcWork<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    previous.whenComplete((ignored, error) -> {
      try {
        jdbcExecutor.execute(() -> {
          try {
            result.complete(work.run(connection));
          } catch (Throwable e) {
            result.completeExceptionally(explain(e));
          }
        });
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(e);
      }
    });
    previous = result;
    return result;
  }

  /**
   * After the last step: rolls back whatever is uncommitted, gives the connection back and releases the permit, on
   * the JDBC dispatcher, or on the calling thread if the dispatcher no longer accepts work (the system is stopping:
   * the permit must still come back). Only the first call does anything.
   */
  CompletionStage<Done> release(boolean failed) {
    return step(connection -> {
      releaseNow(failed);
      return Done.getInstance();
    }).exceptionally(rejected -> {
      releaseNow(failed);
      return Done.getInstance();
    });
  }

  private void releaseNow(boolean failed) {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException e) {
      // An aborted (revoked) connection cannot roll back; the database rolls back when the backend goes.
      log.debug("rollback at release failed: pool={} lease={} owner={} error={}", lease.pool(), lease.id(),
          lease.owner(), e.getMessage());
    }
    pool.giveBack(lease.id().value(), connection);
    supervisor.tell(new Release(lease.id(), null, failed));
    log.debug("stream lease released: pool={} lease={} owner={} purpose={} failed={}", lease.pool(), lease.id(),
        lease.owner(), lease.purpose(), failed);
  }

  /** The failure as the caller should see it: revocation named as such, completion wrappers removed. */
  Throwable explain(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return pool.isAdmitted(lease.id().value()) || released.get() ? cause : new LeaseRevokedException(lease, cause);
  }
}
