package io.sluice.orchestrator.database;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.sluice.persistence.GovernedPool;
import io.sluice.persistence.JdbcBatch;
import io.sluice.persistence.JdbcQuery;
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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way actors reach the database: asks the pool supervisor for a permit, runs the blocking work in one
 * transaction on the dedicated JDBC dispatcher, commits or rolls back, and releases the permit on every path (success,
 * exception, revocation). Pipe the returned stage to the calling actor with {@code ActorContext.pipeToSelf}.
 *
 * <p>The round trip is kept short: one long-lived actor receives every answer for this facade (no ask's temporary
 * actor per request), it runs on the supervisor's own single-thread dispatcher ({@code sluice.permit-dispatcher}), so
 * a grant reaches it without waking another thread, and no timer runs per request. The supervisor answers every
 * request itself; as a backstop against a lost answer the facade sweeps, about once a second while anything is
 * pending, the requests unanswered {@link #REPLY_GRACE} past their max wait: each fails TIMED_OUT and a {@link GiveUp}
 * brings back a grant that may still come. A stopped supervisor fails every pending request at once.
 *
 * <p>Besides units of work, the facade serves streams that hold one permit for their whole life: {@link #stream}
 * (rows read through a cursor with back-pressure) and {@link #bulkWrite} (elements written in one transaction).
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  /** How long past a request's max wait the facade still waits for the supervisor's own answer. */
  static final Duration REPLY_GRACE = Duration.ofSeconds(1);
  /** Dispatcher of the supervisor and of every facade's reply actor. */
  public static final String PERMIT_DISPATCHER = "sluice.permit-dispatcher";

  private static final AtomicLong instances = new AtomicLong();

  private final ActorRef<PermitCommand> supervisor;
  private final GovernedPool pool;
  private final Executor jdbcExecutor;
  /** Where rejections complete callers' stages: never on the permit dispatcher's one thread. */
  private final Executor completions;
  private final Duration defaultMaxWait;
  private final AtomicLong requestIds = new AtomicLong();
  private final PendingRequests pending = new PendingRequests();
  private final ActorRef<Object> replyActor;
  private final ActorRef<PermitReply> replies;
  private volatile boolean supervisorStopped;

  private enum Internal { SWEEP, START_SWEEPING }

  private record SupervisorStopped() {}

  public Database(ActorRef<PermitCommand> supervisor, GovernedPool pool, Executor jdbcExecutor, ActorSystem<?> system,
      Duration defaultMaxWait) {
    this.supervisor = supervisor;
    this.pool = pool;
    this.jdbcExecutor = jdbcExecutor;
    this.completions = system.executionContext();
    this.defaultMaxWait = defaultMaxWait;
    this.replyActor = system.systemActorOf(replyBehavior(), "permit-replies-" + pool.name() + "-"
        + instances.incrementAndGet(), DispatcherSelector.fromConfig(PERMIT_DISPATCHER));
    this.replies = replyActor.narrow();
  }

  private Behavior<Object> replyBehavior() {
    return Behaviors.setup(context -> {
      context.watchWith(supervisor, new SupervisorStopped());
      return Behaviors.withTimers(timers -> Behaviors.receive(Object.class)
          .onMessage(Granted.class, this::onGranted)
          .onMessage(Rejected.class, this::onRejected)
          .onMessage(Revoked.class, revoked -> {
            log.debug("lease revoked: pool={} lease={} reason={}", pool.name(), revoked.lease(), revoked.reason());
            return Behaviors.same();
          })
          .onMessageEquals(Internal.START_SWEEPING, () -> {
            timers.startSingleTimer(Internal.SWEEP, REPLY_GRACE);
            return Behaviors.same();
          })
          .onMessageEquals(Internal.SWEEP, () -> {
            sweep();
            if (pending.sweepAgain()) {
              timers.startSingleTimer(Internal.SWEEP, REPLY_GRACE);
            }
            return Behaviors.same();
          })
          .onMessage(SupervisorStopped.class, stopped -> onSupervisorStopped())
          .build());
    });
  }

  private Behavior<Object> onGranted(Granted granted) {
    PendingRequests.Pending<?> request = pending.take(granted.requestId());
    if (request == null) {
      // Swept after the supervisor stayed silent too long: the sweep's GiveUp brings this permit back.
      log.debug("late grant for a request that gave up: pool={} lease={}", pool.name(), granted.lease().id());
    } else {
      runOnJdbcDispatcher(granted.lease(), request);
    }
    return Behaviors.same();
  }

  private Behavior<Object> onRejected(Rejected rejected) {
    PendingRequests.Pending<?> request = pending.take(rejected.requestId());
    if (request != null) {
      fail(request, new PermitUnavailableException(pool.name(), rejected.reason(), rejected.detail()));
    }
    return Behaviors.same();
  }

  private void sweep() {
    long now = System.nanoTime();
    for (var overdue : pending.takeOverdue(now)) {
      supervisor.tell(new GiveUp(replies, overdue.getKey()));
      log.warn("no answer from the pool supervisor in time; request given up: pool={} requestId={}", pool.name(),
          overdue.getKey());
      fail(overdue.getValue(), new PermitUnavailableException(pool.name(), RejectReason.TIMED_OUT,
          "the pool supervisor did not answer within the max wait plus " + REPLY_GRACE));
    }
  }

  private Behavior<Object> onSupervisorStopped() {
    supervisorStopped = true;
    failAllPending();
    return Behaviors.same();
  }

  private void failAllPending() {
    for (PendingRequests.Pending<?> request : pending.takeAll()) {
      fail(request, stoppedSupervisor());
    }
  }

  private PermitUnavailableException stoppedSupervisor() {
    return new PermitUnavailableException(pool.name(), RejectReason.SHUTTING_DOWN,
        "the pool supervisor has stopped");
  }

  private void fail(PendingRequests.Pending<?> request, Throwable failure) {
    completions.execute(() -> request.result().completeExceptionally(failure));
  }

  /** Runs {@code work} under a SHORT, NORMAL-priority permit with the pool's default wait. */
  public <T> CompletionStage<T> withConnection(ActorRef<?> holder, String owner, String purpose, JdbcWork<T> work) {
    return withConnection(PermitRequest.of(holder, owner, purpose), work);
  }

  public <T> CompletionStage<T> withConnection(PermitRequest request, JdbcWork<T> work) {
    return underPermit(request, (lease, result) -> runUnderLease(lease, work, result));
  }

  /**
   * Streams the rows of {@code query} under ONE permit held for the stream's whole life, asked for when the source is
   * materialized (each materialization asks its own). Ask with {@link PermitRequest#forStream}: a LONG_LIVED lease is
   * exempt from the max-hold check but capped by {@code max-long-lived} (beyond the cap the stream fails at once with
   * {@link PermitUnavailableException} LONG_LIVED_CAP); a SHORT lease is revoked at max-hold, which fails the stream
   * with {@link LeaseRevokedException}. The statement runs with autocommit off and the query's fetch size, so
   * PostgreSQL reads through a cursor as downstream demands; completion, failure and cancellation all close the
   * cursor, roll back, give the connection back and release the permit exactly once. A holder that stops takes the
   * permit back too: its connection is aborted and the stream fails at its next read. A cancelled source closes its
   * cursor asynchronously, so a downstream that ends early (a {@code take(n)}) may complete a moment before the permit
   * is back: a stream started right after may still meet the long-lived cap. See {@link QueryStream}.
   */
  public <T> Source<T, NotUsed> stream(PermitRequest request, JdbcQuery<T> query) {
    return QueryStream.source(() -> lease(request), query);
  }

  /**
   * A sink that writes every element with {@code batch}, in JDBC batches, all in ONE transaction under ONE permit
   * asked for when the sink is materialized: committed when the upstream completes, rolled back when it fails or a
   * statement fails, so a failed import stores nothing. Materializes the number of elements written, or the failure,
   * once the permit has been released.
   * Ask with {@link PermitRequest#forStream}, as for {@link #stream}. See {@link BulkWrite}.
   */
  public <T> Sink<T, CompletionStage<Long>> bulkWrite(PermitRequest request, JdbcBatch<T> batch) {
    return BulkWrite.sink(() -> lease(request), batch);
  }

  /** A permit and its connection, autocommit off, held until the returned lease is released. */
  private CompletionStage<LeasedConnection> lease(PermitRequest request) {
    return underPermit(request, this::openLeased);
  }

  private void openLeased(Lease lease, CompletableFuture<LeasedConnection> result) {
    Connection connection = null;
    try {
      connection = pool.connectionFor(lease.id().value());
      connection.setAutoCommit(false);
      result.complete(new LeasedConnection(lease, connection, pool, supervisor, jdbcExecutor));
    } catch (Throwable e) {
      if (connection != null) {
        pool.giveBack(lease.id().value(), connection);
      }
      supervisor.tell(new Release(lease.id(), null, true));
      result.completeExceptionally(e);
    }
  }

  private <T> CompletionStage<T> underPermit(PermitRequest request, UnderLease<T> work) {
    Duration requested = request.maxWait() == null ? defaultMaxWait : request.maxWait();
    if (requested.isNegative() || requested.isZero()) {
      return CompletableFuture.failedFuture(new PermitUnavailableException(pool.name(),
          RejectReason.INVALID_REQUEST, "maxWait must be positive, was " + requested));
    }
    // Capped before anything is sent: "wait forever" must not overflow after the supervisor has counted the request.
    Duration maxWait = requested.compareTo(Acquire.LONGEST_WAIT) > 0 ? Acquire.LONGEST_WAIT : requested;
    long requestId = requestIds.incrementAndGet();
    CompletableFuture<T> result = new CompletableFuture<>();
    if (pending.add(requestId, new PendingRequests.Pending<>(work, result,
        System.nanoTime() + maxWait.plus(REPLY_GRACE).toNanos()))) {
      replyActor.tell(Internal.START_SWEEPING);
    }
    if (supervisorStopped) {
      // The stop was seen before this request was registered, or while: whoever takes it out fails it.
      failAllPending();
      return result;
    }
    supervisor.tell(new Acquire(requestId, request.owner(), request.purpose(), request.kind(), request.priority(),
        maxWait, replies, request.holder()));
    return result;
  }

  private <T> void runOnJdbcDispatcher(Lease lease, PendingRequests.Pending<T> request) {
    try {
      jdbcExecutor.execute(() -> request.work().run(lease, request.result()));
    } catch (RejectedExecutionException e) {
      supervisor.tell(new Release(lease.id(), null, true));
      fail(request, e);
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
