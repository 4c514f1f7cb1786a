package io.sluice.orchestrator.callslots;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AskPattern;
import io.sluice.config.CallSlotSettings;
import io.sluice.orchestrator.database.PermitUnavailableException;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import io.sluice.protocols.permit.Throttle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How campaigns share the call provider's concurrent calls: a slot is a permit of the supervisor
 * {@value #SUPERVISOR_NAME}, the same {@link PoolSupervisor} that governs the database pool, over a
 * {@link CallSlotResource}. So slots get the pool's queue, priorities with ageing, max wait, leak check (a call
 * longer than {@code max-hold}) and holder death watch: a campaign entity that stops gives its slots back.
 *
 * <p>A campaign acquires a slot before it places a call, with itself as the holder, and releases it when the call has
 * ended (its end-of-call report arrived, or placing it failed). When the provider refuses a call with 429, the
 * campaign reports {@link #throttled(Lease, Duration)}: the limit drops to the calls the provider accepted until the
 * Retry-After has passed (see {@link Throttle}).
 *
 * <p>Calls are seconds to minutes long and few, so each request is a plain ask (a temporary actor per request). An
 * ask that times out gives the request up, so a grant crossing the time-out comes back instead of leaking.
 */
public final class CallSlots {
  private static final Logger log = LoggerFactory.getLogger(CallSlots.class);
  /** The supervisor's actor name. */
  public static final String SUPERVISOR_NAME = "pool-" + CallSlotSettings.NAME;
  /** The purpose every slot lease carries. */
  public static final String PURPOSE = "call";
  /** How long past a request's max wait the facade still waits for the supervisor's own answer. */
  static final Duration REPLY_GRACE = Duration.ofSeconds(1);

  private final ActorRef<PermitCommand> supervisor;
  private final CallSlotResource slots;
  private final ActorSystem<?> system;
  private final Duration defaultMaxWait;
  private final AtomicLong requestIds = new AtomicLong();

  /**
   * @param supervisor the running {@link #supervisor} behaviour
   * @param slots the resource that supervisor governs
   * @param defaultMaxWait the wait of requests that state none ({@code sluice.call-slots.default-max-wait})
   */
  public CallSlots(ActorRef<PermitCommand> supervisor, CallSlotResource slots, ActorSystem<?> system,
      Duration defaultMaxWait) {
    this.supervisor = supervisor;
    this.slots = slots;
    this.system = system;
    this.defaultMaxWait = defaultMaxWait;
  }

  /**
   * The supervisor of the call slots, to spawn as {@value #SUPERVISOR_NAME}.
   *
   * @param nanoClock monotonic time in nanoseconds: {@code System::nanoTime} in production, virtual time in tests
   */
  public static Behavior<PermitCommand> supervisor(CallSlotSettings settings, CallSlotResource slots,
      LongSupplier nanoClock) {
    return PoolSupervisor.create(settings.pool(), slots, settings.limit(), nanoClock);
  }

  /** A NORMAL-priority slot for {@code campaignId}, waiting at most the default max wait. */
  public CompletionStage<Lease> acquire(ActorRef<?> holder, String campaignId) {
    return acquire(holder, campaignId, Priority.NORMAL, null);
  }

  /**
   * Asks for a slot.
   *
   * @param holder the campaign actor; if it stops, its slots come back (required)
   * @param campaignId the lease's owner, shown in stats and logs
   * @param maxWait how long to wait for a slot; null for the default
   * @return the granted slot's lease; fails with {@link PermitUnavailableException} naming the reason (QUEUE_FULL,
   *     TIMED_OUT, CANCELLED, SHUTTING_DOWN, INVALID_REQUEST)
   */
  public CompletionStage<Lease> acquire(ActorRef<?> holder, String campaignId, Priority priority,
      Duration maxWait) {
    Duration wait = maxWait == null ? defaultMaxWait : maxWait;
    if (holder == null) {
      return unavailable(RejectReason.INVALID_REQUEST, "a call slot needs a holder whose death gives it back");
    }
    if (wait.isNegative() || wait.isZero()) {
      return unavailable(RejectReason.INVALID_REQUEST, "maxWait must be positive, was " + wait);
    }
    Duration capped = wait.compareTo(Acquire.LONGEST_WAIT) > 0 ? Acquire.LONGEST_WAIT : wait;
    long requestId = requestIds.incrementAndGet();
    AtomicReference<ActorRef<PermitReply>> asker = new AtomicReference<>();
    CompletionStage<PermitReply> reply = AskPattern.ask(supervisor, (ActorRef<PermitReply> replyTo) -> {
      asker.set(replyTo);
      return new Acquire(requestId, campaignId, PURPOSE, LeaseKind.SHORT, priority, capped, replyTo, holder);
    }, capped.plus(REPLY_GRACE), system.scheduler());
    return reply.handle((answer, failure) -> {
      if (answer instanceof Granted granted) {
        return CompletableFuture.completedFuture(granted.lease());
      }
      if (answer instanceof Rejected rejected) {
        return CallSlots.<Lease>unavailable(rejected.reason(), rejected.detail());
      }
      if (failure instanceof TimeoutException) {
        // A grant may still be on its way to the finished ask: hand it back.
        supervisor.tell(new GiveUp(asker.get(), requestId));
        log.warn("no answer from the call-slot supervisor in time; request given up: campaign={} requestId={}",
            campaignId, requestId);
        return CallSlots.<Lease>unavailable(RejectReason.TIMED_OUT,
            "the call-slot supervisor did not answer within the max wait plus " + REPLY_GRACE);
      }
      return CompletableFuture.<Lease>failedFuture(failure != null ? failure
          : new IllegalStateException("unexpected answer to a slot request: " + answer));
    }).thenCompose(stage -> stage);
  }

  /**
   * Gives a slot back once its call has ended; a duplicate or late release is ignored.
   *
   * @param failed whether the call failed (placing it failed, or it ended in an error)
   */
  public void release(Lease lease, boolean failed) {
    // No busy time: a call's length is the conversation's, not a congestion signal for the limit.
    supervisor.tell(new Release(lease.id(), null, failed));
  }

  /**
   * The provider refused the call placed under {@code refused} with 429: caps the limit at the calls it accepted
   * until {@code retryAfter} has passed, then gives the refused call's slot back (in that order, so that the cap
   * counts the calls in flight without it).
   */
  public void throttled(Lease refused, Duration retryAfter) {
    throttled(retryAfter);
    release(refused, true);
  }

  /** The provider answered 429 to a request that held no slot: caps the limit at the calls in flight minus one. */
  public void throttled(Duration retryAfter) {
    supervisor.tell(new Throttle(retryAfter));
  }

  /** Whether a lease still holds its slot: false once released, revoked as a leak, or lost with its holder. */
  public boolean holds(Lease lease) {
    return slots.isAdmitted(lease.id().value());
  }

  public CompletionStage<PoolStats> stats(Duration timeout) {
    return AskPattern.ask(supervisor, GetPoolStats::new, timeout, system.scheduler());
  }

  private static <T> CompletionStage<T> unavailable(RejectReason reason, String detail) {
    return CompletableFuture.failedFuture(new PermitUnavailableException(CallSlotSettings.NAME, reason, detail));
  }
}
