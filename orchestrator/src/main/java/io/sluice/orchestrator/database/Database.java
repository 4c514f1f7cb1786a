package io.sluice.orchestrator.database;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import io.sluice.persistence.GovernedPool;
import io.sluice.persistence.JdbcWork;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import io.sluice.protocols.permit.Revoked;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way actors reach the database: asks the pool supervisor for a permit, runs the blocking work in one
 * transaction on the dedicated JDBC dispatcher, commits or rolls back, and releases the permit on every path (success,
 * exception, revocation); a permit that arrives after the caller gave up is handed back. Pipe the returned stage to
 * the calling actor with {@code ActorContext.pipeToSelf}.
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  /** Extra time the facade waits for the supervisor's own answer beyond the request's max wait. */
  private static final Duration REPLY_GRACE = Duration.ofSeconds(1);

  private static final AtomicLong instances = new AtomicLong();

  private final ActorRef<PermitCommand> supervisor;
  private final GovernedPool pool;
  private final Executor jdbcExecutor;
  private final Duration defaultMaxWait;
  private final AtomicLong requestIds = new AtomicLong();
  /** Requests waiting for the supervisor's answer, by request id. */
  private final ConcurrentHashMap<Long, CompletableFuture<PermitReply>> pending = new ConcurrentHashMap<>();
  /**
   * One long-lived actor receives every answer for this facade: cheaper than an ask's temporary actor per request, and
   * a late grant or a revocation reaches someone instead of dead letters.
   */
  private final ActorRef<PermitReply> replies;

  public Database(ActorRef<PermitCommand> supervisor, GovernedPool pool, Executor jdbcExecutor, ActorSystem<?> system,
      Duration defaultMaxWait) {
    this.supervisor = supervisor;
    this.pool = pool;
    this.jdbcExecutor = jdbcExecutor;
    this.defaultMaxWait = defaultMaxWait;
    this.replies = system.systemActorOf(Behaviors.receiveMessage(this::onReply),
        "permit-replies-" + pool.name() + "-" + instances.incrementAndGet(), Props.empty());
  }

  private Behavior<PermitReply> onReply(PermitReply reply) {
    long requestId = reply instanceof Granted granted ? granted.requestId()
        : reply instanceof Rejected rejected ? rejected.requestId() : -1;
    CompletableFuture<PermitReply> waiter = requestId < 0 ? null : pending.remove(requestId);
    if (waiter != null) {
      waiter.complete(reply);
    } else if (reply instanceof Granted granted) {
      // The requester timed out and sent GiveUp, which brings this permit back to the pool.
      log.debug("late grant for a request that gave up: pool={} lease={}", pool.name(), granted.lease().id());
    } else if (reply instanceof Revoked revoked) {
      log.debug("lease revoked: pool={} lease={} reason={}", pool.name(), revoked.lease(), revoked.reason());
    }
    return Behaviors.same();
  }

  /** Runs {@code work} under a SHORT, NORMAL-priority permit with the pool's default wait. */
  public <T> CompletionStage<T> withConnection(ActorRef<?> holder, String owner, String purpose, JdbcWork<T> work) {
    return withConnection(PermitRequest.of(holder, owner, purpose), work);
  }

  public <T> CompletionStage<T> withConnection(PermitRequest request, JdbcWork<T> work) {
    Duration requested = request.maxWait() == null ? defaultMaxWait : request.maxWait();
    if (requested.isNegative() || requested.isZero()) {
      return CompletableFuture.failedFuture(new PermitUnavailableException(pool.name(),
          RejectReason.INVALID_REQUEST, "maxWait must be positive, was " + requested));
    }
    // Capped before anything is sent: "wait forever" must not overflow after the supervisor has counted the request.
    Duration maxWait = requested.compareTo(Acquire.LONGEST_WAIT) > 0 ? Acquire.LONGEST_WAIT : requested;
    long requestId = requestIds.incrementAndGet();
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<PermitReply> answer = new CompletableFuture<>();
    pending.put(requestId, answer);
    supervisor.tell(new Acquire(requestId, request.owner(), request.purpose(), request.kind(), request.priority(),
        maxWait, replies, request.holder()));
    answer.orTimeout(maxWait.plus(REPLY_GRACE).toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((reply, failure) -> {
          if (failure != null) {
            pending.remove(requestId);
            // The supervisor may still grant after our time-out: GiveUp makes it take that permit back.
            supervisor.tell(new GiveUp(replies, requestId));
            result.completeExceptionally(new PermitUnavailableException(pool.name(), RejectReason.TIMED_OUT,
                "the supervisor did not answer within " + maxWait.plus(REPLY_GRACE)));
          } else if (reply instanceof Rejected rejected) {
            result.completeExceptionally(new PermitUnavailableException(pool.name(), rejected.reason(),
                rejected.detail()));
          } else if (reply instanceof Granted granted) {
            runOnJdbcDispatcher(granted.lease(), work, result);
          } else {
            result.completeExceptionally(new IllegalStateException("unexpected first reply " + reply));
          }
        });
    return result;
  }

  private <T> void runOnJdbcDispatcher(Lease lease, JdbcWork<T> work, CompletableFuture<T> result) {
    try {
      jdbcExecutor.execute(() -> runUnderLease(lease, work, result));
    } catch (RejectedExecutionException e) {
      supervisor.tell(new Release(lease.id(), Duration.ZERO, true));
      result.completeExceptionally(e);
    }
  }

  private <T> void runUnderLease(Lease lease, JdbcWork<T> work, CompletableFuture<T> result) {
    long leaseId = lease.id().value();
    long start = 0;
    Connection connection = null;
    T value = null;
    Throwable error = null;
    try {
      connection = pool.connectionFor(leaseId);
      // Query latency only: opening a connection, or failing to, must not move the adaptive limit's baseline.
      start = System.nanoTime();
      connection.setAutoCommit(false);
      value = work.run(connection);
      connection.commit();
    } catch (Throwable e) {
      error = e;
      rollbackQuietly(connection, lease, e);
    } finally {
      if (connection != null) {
        pool.giveBack(leaseId, connection);
      }
    }
    // Checked before the release: only revocation or the holder's death retires a lease the facade still holds.
    boolean revoked = error != null && !pool.isAdmitted(leaseId);
    Duration busy = connection == null ? null : Duration.ofNanos(System.nanoTime() - start);
    supervisor.tell(new Release(lease.id(), busy, error != null));
    if (error == null) {
      result.complete(value);
    } else {
      log.debug("work failed under lease: pool={} lease={} owner={} purpose={} revoked={} error={}", lease.pool(),
          lease.id(), lease.owner(), lease.purpose(), revoked, error.toString());
      result.completeExceptionally(revoked ? new LeaseRevokedException(lease, error) : error);
    }
  }

  private static void rollbackQuietly(Connection connection, Lease lease, Throwable cause) {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
      log.debug("rollback failed: pool={} lease={} owner={} error={}", lease.pool(), lease.id(), lease.owner(),
          e.getMessage());
    }
  }
}
