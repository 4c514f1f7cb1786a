package io.sluice.orchestrator.pool;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.persistence.PermitResource;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseId;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import io.sluice.protocols.permit.Revoked;
import io.sluice.protocols.permit.Resized;
import io.sluice.protocols.permit.Throttle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Owns one physical pool and grants its connections as permits. Nobody else can reach the pool: a connection is
 * handed out only under a lease this actor admitted, and taken back on release, revocation and holder death. The pool
 * is any {@link PermitResource}: a connection pool, or the call provider's concurrent calls.
 *
 * <p>Invariants: a permit is granted only while fewer than {@code limit} are out, and the limit never exceeds the
 * physical pool size, so granted ≤ physical max size always. A shrinking limit does not revoke: after a shrink,
 * granted may exceed the new limit until enough leases come back. Every request is answered exactly once (granted,
 * or rejected with its reason, on every path out of the queue); a permit is never lost (a grant whose requester gave
 * up comes back, a duplicate release cannot raise capacity); with no lease and no waiter for {@code idle-timeout} the
 * pool's idle connections are evicted and no timer runs. A {@link Throttle} caps the limit until its Retry-After has
 * passed (see {@link ThrottleCap}); like a shrinking limit it revokes nothing.
 *
 * <p>The actor only routes messages: the lease book, the wait queue, the holder watch, the interval sample, the
 * counters and the deadline timers each live in a class of their own.
 */
public final class PoolSupervisor extends AbstractBehavior<PermitCommand> {

  /** Timer names, as reported in {@link PoolStats#activeTimers()}. */
  static final String WAIT_DEADLINE = "wait-deadline";
  static final String HOLD_CHECK = "hold-check";
  static final String IDLE_DRAIN = "idle-drain";
  static final String LIMIT_EVALUATION = "limit-evaluation";
  static final String THROTTLE_END = "throttle-end";
  private static final int LONGEST_HOLDERS_SHOWN = 5;

  /** Each timer is keyed by its own tick message. */
  private enum Tick implements PermitCommand.Internal {
    WAIT_DEADLINE_DUE,
    HOLD_CHECK_DUE,
    IDLE_DRAIN_DUE,
    EVALUATION_DUE,
    THROTTLE_END_DUE
  }

  private record HolderStopped(ActorRef<?> holder) implements PermitCommand.Internal {}

  private final PoolSettings settings;
  private final PermitResource pool;
  private final LimitAlgorithm limitAlgorithm;
  private final Duration evaluationInterval;
  private final LongSupplier nanoClock;
  private final TimerScheduler<PermitCommand> timers;
  private final LeaseBook leases = new LeaseBook();
  private final WaitQueue queue;
  private final HolderUse holders = new HolderUse();
  private final IntervalSampler interval = new IntervalSampler();
  private final PoolMetrics metrics;
  private final PoolCounters counters;
  private final DeadlineTimer waitDeadline;
  private final DeadlineTimer holdCheck;
  private final DeadlineTimer idleDrain;
  private final DeadlineTimer throttleEnd;
  private final ThrottleCap throttle;
  private boolean evaluating;
  private boolean drained = true;
  /** When the pool last became idle (no lease, no waiter), or -1 while it has work. */
  private long idleSince = -1;
  private int currentLimit;

  /**
   * A supervisor whose limit follows {@code limit-control}; a {@link Throttle} never caps it below its
   * {@code min-limit}.
   */
  public static Behavior<PermitCommand> create(
      PoolSettings settings, PermitResource pool, LimitSettings limit, LongSupplier nanoClock) {
    return create(settings, pool, LimitAlgorithms.create(limit), limit.evaluationInterval(), limit.minLimit(),
        nanoClock);
  }

  /** A supervisor whose limit a {@link Throttle} may cap down to one permit. */
  public static Behavior<PermitCommand> create(PoolSettings settings, PermitResource pool, LimitAlgorithm limit,
      Duration evaluationInterval, LongSupplier nanoClock) {
    return create(settings, pool, limit, evaluationInterval, 1, nanoClock);
  }

  /**
   * @param evaluationInterval how often an adaptive {@code limit} is re-evaluated while there is work
   * @param throttleFloor a {@link Throttle} never caps the limit below this (at least 1)
   * @param nanoClock monotonic time in nanoseconds: {@code System::nanoTime} in production, virtual time in tests
   */
  public static Behavior<PermitCommand> create(PoolSettings settings, PermitResource pool, LimitAlgorithm limit,
      Duration evaluationInterval, int throttleFloor, LongSupplier nanoClock) {
    ThrottleCap throttle = new ThrottleCap(throttleFloor);
    return Behaviors.setup(context -> {
      context.setLoggerName(PoolSupervisor.class);
      return Behaviors.withTimers(timers -> new PoolSupervisor(context, timers, settings, pool, limit,
          evaluationInterval, throttle, nanoClock));
    });
  }

  private PoolSupervisor(ActorContext<PermitCommand> context, TimerScheduler<PermitCommand> timers,
      PoolSettings settings, PermitResource pool, LimitAlgorithm limitAlgorithm, Duration evaluationInterval,
      ThrottleCap throttle, LongSupplier nanoClock) {
    super(context);
    this.evaluationInterval = evaluationInterval;
    this.timers = timers;
    this.settings = settings;
    this.pool = pool;
    this.limitAlgorithm = limitAlgorithm;
    this.nanoClock = nanoClock;
    this.queue = new WaitQueue(settings.ageingInterval().toNanos());
    this.metrics = new PoolMetrics(settings.name());
    this.counters = new PoolCounters(metrics);
    this.waitDeadline = new DeadlineTimer(timers, Tick.WAIT_DEADLINE_DUE);
    this.holdCheck = new DeadlineTimer(timers, Tick.HOLD_CHECK_DUE);
    this.idleDrain = new DeadlineTimer(timers, Tick.IDLE_DRAIN_DUE);
    this.throttleEnd = new DeadlineTimer(timers, Tick.THROTTLE_END_DUE);
    this.throttle = throttle;
    this.currentLimit = clampLimit(limitAlgorithm.limit());
  }

  @Override
  public Receive<PermitCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(GiveUp.class, this::onGiveUp)
        .onMessage(Throttle.class, this::onThrottle)
        .onMessageEquals(Resized.INSTANCE, this::onResized)
        .onMessage(GetPoolStats.class, this::onGetStats)
        .onMessage(HolderStopped.class, this::onHolderStopped)
        .onMessageEquals(Tick.WAIT_DEADLINE_DUE, this::onWaitDeadline)
        .onMessageEquals(Tick.HOLD_CHECK_DUE, this::onHoldCheck)
        .onMessageEquals(Tick.IDLE_DRAIN_DUE, this::onIdleDrain)
        .onMessageEquals(Tick.EVALUATION_DUE, this::onEvaluate)
        .onMessageEquals(Tick.THROTTLE_END_DUE, this::onThrottleEnd)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  /**
   * At most the physical size and a throttle's cap, and one permit above the long-lived leases so that short work can
   * proceed; none while the resource is closed (size 0).
   */
  private int clampLimit(int proposed) {
    if (pool.maxSize() == 0) {
      // A closed resource (a node cut off from its cluster's budget): nothing is granted until it opens again.
      return 0;
    }
    int ceiling = Math.min(pool.maxSize(), throttle.cap(nanoClock.getAsLong()));
    return Math.max(leases.longLived() + 1, Math.min(proposed, ceiling));
  }

  private Behavior<PermitCommand> onAcquire(Acquire request) {
    String invalid = AcquireValidation.problem(request);
    if (invalid != null) {
      counters.invalidRequest();
      getContext().getLog().warn("invalid Acquire rejected: pool={} requestId={} problem={}", settings.name(),
          request.requestId(), invalid);
      reject(request, RejectReason.INVALID_REQUEST, invalid);
      return Behaviors.same();
    }
    wake();
    long now = nanoClock.getAsLong();
    if (request.kind() == LeaseKind.LONG_LIVED && leases.longLived() >= settings.maxLongLived()) {
      reject(request, RejectReason.LONG_LIVED_CAP, longLivedCapDetail());
    } else if (queue.isEmpty() && leases.size() < currentLimit) {
      useHolder(request.holder());
      grant(request, now, now);
    } else if (queue.size() >= settings.maxQueue()) {
      reject(request, RejectReason.QUEUE_FULL, "pool '" + settings.name() + "' already has " + queue.size()
          + " requests waiting (" + pool.settingsPath() + ".max-queue = " + settings.maxQueue()
          + "); all " + leases.size() + " permits are in use: retry later or lower the concurrency of the callers");
    } else {
      useHolder(request.holder());
      WaitQueue.Waiter waiter =
          new WaitQueue.Waiter(request, now, now + AcquireValidation.cappedMaxWait(request).toNanos());
      queue.add(waiter);
      waitDeadline.ensureBy(waiter.deadline, now);
    }
    afterChange(now);
    return Behaviors.same();
  }

  /** Grants a permit; the caller has already counted the request's holder as in use. */
  private void grant(Acquire request, long enqueuedAt, long now) {
    long id = leases.nextId();
    boolean longLived = request.kind() == LeaseKind.LONG_LIVED;
    Duration maxHold = longLived ? Duration.ZERO : settings.maxHold();
    Lease lease = new Lease(new LeaseId(id), settings.name(), request.owner(), request.purpose(), request.kind(),
        maxHold);
    pool.admit(id);
    interval.grantedChanging(now, leases.size());
    long holdDeadline = longLived ? Long.MAX_VALUE : now + maxHold.toNanos();
    leases.add(new ActiveLease(lease, request, now, holdDeadline, metrics.holdTime(request.owner(),
        request.purpose())));
    counters.granted(now - enqueuedAt);
    if (longLived) {
      setLimit(limitAlgorithm.limit());
    } else {
      holdCheck.ensureBy(holdDeadline, now);
    }
    request.replyTo().tell(new Granted(request.requestId(), lease));
  }

  private Behavior<PermitCommand> onRelease(Release release) {
    ActiveLease lease = release.lease() == null ? null : leases.get(release.lease().value());
    if (lease == null) {
      counters.releaseIgnored();
      getContext().getLog().info("release of unknown or already returned lease ignored: pool={} lease={}",
          settings.name(), release.lease());
      return Behaviors.same();
    }
    long now = nanoClock.getAsLong();
    if (retire(lease, now)) {
      getContext().getLog().warn("lease released with its connection still checked out; connection aborted:"
          + " pool={} lease={} owner={} purpose={}", settings.name(), lease.id(), lease.lease().owner(),
          lease.lease().purpose());
    }
    long busy = release.busy() == null ? -1 : Math.max(0, release.busy().toNanos());
    counters.released(release.failed());
    interval.completed(busy, release.failed());
    limitAlgorithm.completed(now, busy, release.failed(), queue.size());
    setLimit(limitAlgorithm.limit());
    dispatch(now);
    afterChange(now);
    return Behaviors.same();
  }

  private Behavior<PermitCommand> onGiveUp(GiveUp giveUp) {
    long now = nanoClock.getAsLong();
    List<WaitQueue.Waiter> left = new ArrayList<>(1);
    queue.removeIf(w -> w.request.requestId() == giveUp.requestId() && w.request.replyTo().equals(giveUp.replyTo()),
        left::add);
    for (WaitQueue.Waiter waiter : left) {
      endWait(waiter, RejectReason.CANCELLED, "the requester gave up waiting");
    }
    if (left.isEmpty()) {
      ActiveLease granted = leases.grantedTo(giveUp.requestId(), giveUp.replyTo());
      if (granted != null) {
        counters.grantReclaimed();
        getContext().getLog().info("grant reclaimed from a requester that gave up: pool={} lease={} owner={}"
            + " purpose={}", settings.name(), granted.id(), granted.lease().owner(), granted.lease().purpose());
        retire(granted, now);
        dispatch(now);
      }
    }
    afterChange(now);
    return Behaviors.same();
  }

  private Behavior<PermitCommand> onThrottle(Throttle signal) {
    String invalid = ThrottleCap.problem(signal);
    if (invalid != null) {
      counters.invalidRequest();
      getContext().getLog().warn("invalid Throttle ignored: pool={} problem={}", settings.name(), invalid);
      return Behaviors.same();
    }
    wake();
    long now = nanoClock.getAsLong();
    long endsAt = throttle.lower(signal, leases.size(), now);
    throttleEnd.ensureBy(endsAt, now);
    setLimit(limitAlgorithm.limit());
    getContext().getLog().warn("resource refused work (429): limit capped until Retry-After passes: pool={} limit={}"
        + " granted={} retryAfter={}", settings.name(), currentLimit, leases.size(), signal.retryAfter());
    afterChange(now);
    return Behaviors.same();
  }

  /** The pool's size is read on every clamp: a grown pool lets waiters in at once, a shrunk one caps the limit. */
  private Behavior<PermitCommand> onResized() {
    long now = nanoClock.getAsLong();
    setLimit(limitAlgorithm.limit());
    getContext().getLog().info("pool resized: pool={} size={} limit={} granted={}", settings.name(), pool.maxSize(),
        currentLimit, leases.size());
    dispatch(now);
    afterChange(now);
    return Behaviors.same();
  }

  /** The timer may fire before the end of a throttle extended meanwhile: it is then re-armed for the new end. */
  private Behavior<PermitCommand> onThrottleEnd() {
    long now = nanoClock.getAsLong();
    throttleEnd.fired(throttle.endsAt(now), now);
    setLimit(limitAlgorithm.limit());
    dispatch(now);
    afterChange(now);
    return Behaviors.same();
  }

  private Behavior<PermitCommand> onHolderStopped(HolderStopped stopped) {
    holders.forget(stopped.holder());
    long now = nanoClock.getAsLong();
    for (ActiveLease lease : leases.heldBy(stopped.holder())) {
      counters.holderDied();
      boolean aborted = retire(lease, now);
      getContext().getLog().warn("holder stopped while holding a lease; permit returned{}: pool={} lease={} owner={}"
              + " purpose={} heldFor={}", aborted ? " and its connection aborted" : "", settings.name(),
          lease.id(), lease.lease().owner(), lease.lease().purpose(), Duration.ofNanos(now - lease.grantedAt()));
    }
    queue.removeIf(w -> stopped.holder().equals(w.request.holder()),
        w -> endWait(w, RejectReason.CANCELLED, "the holder " + stopped.holder().path() + " stopped while waiting"));
    dispatch(now);
    afterChange(now);
    return Behaviors.same();
  }

  private Behavior<PermitCommand> onWaitDeadline() {
    long now = nanoClock.getAsLong();
    queue.removeIf(w -> w.deadline <= now, w -> {
      interval.timedOut();
      endWait(w, RejectReason.TIMED_OUT, "no permit of pool '" + settings.name() + "' became free within "
          + AcquireValidation.cappedMaxWait(w.request) + " (limit " + currentLimit + ", " + leases.size()
          + " granted, " + queue.size() + " still waiting): the pool is the bottleneck; allow a longer maxWait or"
          + " lower the callers' concurrency");
    });
    waitDeadline.fired(queue.earliestDeadline(), now);
    afterChange(now);
    return Behaviors.same();
  }

  private Behavior<PermitCommand> onHoldCheck() {
    long now = nanoClock.getAsLong();
    for (ActiveLease lease : leases.overdue(now)) {
      Duration heldFor = Duration.ofNanos(now - lease.grantedAt());
      counters.revokedAsLeak();
      boolean aborted = retire(lease, now);
      getContext().getLog().warn("lease revoked, held past max hold (leak): pool={} lease={} owner={} purpose={}"
          + " heldFor={} maxHold={}", settings.name(), lease.id(), lease.lease().owner(), lease.lease().purpose(),
          heldFor, lease.lease().maxHold());
      lease.request().replyTo().tell(new Revoked(lease.lease().id(), "held for " + heldFor + ", longer than max hold "
          + lease.lease().maxHold() + " (" + pool.settingsPath() + ".max-hold)"
          + (aborted ? "; the connection was aborted" : "")));
    }
    // Re-armed for the oldest lease still out before new grants can only add later deadlines.
    holdCheck.fired(leases.earliestHoldDeadline(), now);
    dispatch(now);
    afterChange(now);
    return Behaviors.same();
  }

  private Behavior<PermitCommand> onIdleDrain() {
    long now = nanoClock.getAsLong();
    if (idleSince < 0) {
      idleDrain.fired(Long.MAX_VALUE, now);
      return Behaviors.same();
    }
    long drainAt = idleSince + settings.idleTimeout().toNanos();
    if (now < drainAt) {
      // Work came and went since the countdown started: count from when it last went idle.
      idleDrain.fired(drainAt, now);
      return Behaviors.same();
    }
    idleDrain.fired(Long.MAX_VALUE, now);
    waitDeadline.cancel();
    holdCheck.cancel();
    // A throttle still in force keeps capping the limit (it is read from the clock); its timer returns with work.
    throttleEnd.cancel();
    stopEvaluating();
    pool.evictIdle();
    counters.idleDrained();
    drained = true;
    limitAlgorithm.restart();
    setLimit(limitAlgorithm.limit());
    metrics.physical(pool.physical());
    metrics.state(currentLimit, 0, 0, 0, 0);
    getContext().getLog().info("pool idle for {}: idle connections evicted, no timers left: pool={}",
        settings.idleTimeout(), settings.name());
    return Behaviors.same();
  }

  private Behavior<PermitCommand> onEvaluate() {
    if (idleSince >= 0 && !interval.active()) {
      // A whole interval without work: stop evaluating until work returns.
      stopEvaluating();
      return Behaviors.same();
    }
    long now = nanoClock.getAsLong();
    long oldest = queue.oldestEnqueuedAt();
    LimitSample sample = interval.sampleAndRestart(now, currentLimit, leases.size(), queue.size(),
        oldest == Long.MAX_VALUE ? 0 : now - oldest);
    setLimit(limitAlgorithm.update(sample));
    metrics.physical(pool.physical());
    dispatch(now);
    afterChange(now);
    return Behaviors.same();
  }

  private void stopEvaluating() {
    evaluating = false;
    timers.cancel(Tick.EVALUATION_DUE);
  }

  private void setLimit(int proposed) {
    int next = clampLimit(proposed);
    if (next != currentLimit) {
      counters.limitChanged();
      getContext().getLog().debug("permit limit changed: pool={} from={} to={}", settings.name(), currentLimit, next);
      currentLimit = next;
    }
  }

  private Behavior<PermitCommand> onGetStats(GetPoolStats request) {
    request.replyTo().tell(stats(nanoClock.getAsLong()));
    return Behaviors.same();
  }

  /** Answers every waiter SHUTTING_DOWN first, then takes back every lease; one failure does not stop the rest. */
  private Behavior<PermitCommand> onStop() {
    queue.drainTo(w -> endWait(w, RejectReason.SHUTTING_DOWN, "pool '" + settings.name() + "' is shutting down"));
    long now = nanoClock.getAsLong();
    for (ActiveLease lease : leases.all()) {
      try {
        retire(lease, now);
      } catch (RuntimeException e) {
        getContext().getLog().warn("lease could not be retired at shutdown: pool={} lease={} owner={} error={}",
            settings.name(), lease.id(), lease.lease().owner(), e.toString());
      }
    }
    return Behaviors.same();
  }

  /** Grants permits to waiters while the limit allows. */
  private void dispatch(long now) {
    while (leases.size() < currentLimit && !queue.isEmpty()) {
      WaitQueue.Waiter next = queue.poll(now);
      if (next.request.kind() == LeaseKind.LONG_LIVED && leases.longLived() >= settings.maxLongLived()) {
        endWait(next, RejectReason.LONG_LIVED_CAP, longLivedCapDetail());
      } else {
        grant(next.request, next.enqueuedAt, now);
      }
    }
  }

  /** The one way out of the queue other than a grant: the waiter is answered, its holder released. */
  private void endWait(WaitQueue.Waiter waiter, RejectReason reason, String detail) {
    releaseHolder(waiter.request.holder());
    reject(waiter.request, reason, detail);
  }

  /** Takes a lease back and closes its pool door; true if a still-open connection had to be aborted. */
  private boolean retire(ActiveLease lease, long now) {
    interval.grantedChanging(now, leases.size());
    leases.remove(lease);
    releaseHolder(lease.request().holder());
    counters.held(lease, now);
    if (lease.longLived()) {
      setLimit(limitAlgorithm.limit());
    }
    return pool.retire(lease.id());
  }

  /**
   * A request became active: leave the drained state. The idle countdown is left running (cheaper than cancelling it
   * on every request); when it fires it finds the pool busy, or counts again from when it last went idle.
   */
  private void wake() {
    long now = nanoClock.getAsLong();
    if (drained) {
      // A throttle may have lapsed while drained, when its timer was cancelled: the limit is read afresh.
      setLimit(limitAlgorithm.limit());
    }
    drained = false;
    idleSince = -1;
    throttleEnd.ensureBy(throttle.endsAt(now), now);
    if (limitAlgorithm.adaptive() && !evaluating) {
      interval.start(now);
      timers.startTimerAtFixedRate(Tick.EVALUATION_DUE, Tick.EVALUATION_DUE, evaluationInterval);
      evaluating = true;
    }
  }

  /** Keeps the gauges current and starts the idle countdown when the pool has nothing left to do. */
  private void afterChange(long now) {
    long oldest = queue.oldestEnqueuedAt();
    metrics.state(currentLimit, leases.size(), leases.longLived(), queue.size(),
        oldest == Long.MAX_VALUE ? 0 : now - oldest);
    if (leases.isEmpty() && queue.isEmpty() && !drained) {
      if (idleSince < 0) {
        idleSince = now;
      }
      idleDrain.ensureBy(idleSince + settings.idleTimeout().toNanos(), now);
    }
  }

  private void useHolder(ActorRef<?> holder) {
    if (holders.use(holder)) {
      getContext().watchWith(holder, new HolderStopped(holder));
    }
  }

  private void releaseHolder(ActorRef<?> holder) {
    if (holders.release(holder)) {
      getContext().unwatch(holder);
    }
  }

  private void reject(Acquire request, RejectReason reason, String detail) {
    counters.rejected(reason);
    if (request.replyTo() != null) {
      request.replyTo().tell(new Rejected(request.requestId(), reason, detail));
    }
  }

  private String longLivedCapDetail() {
    return "pool '" + settings.name() + "' already has " + leases.longLived() + " long-lived leases ("
        + pool.settingsPath() + ".max-long-lived = " + settings.maxLongLived() + "); release one or raise the cap";
  }

  private PoolStats stats(long now) {
    PoolStats.Physical physical = pool.physical();
    metrics.physical(physical);
    long oldest = queue.oldestEnqueuedAt();
    return new PoolStats(settings.name(), currentLimit, leases.shortLeases(), leases.longLived(), queue.size(),
        oldest == Long.MAX_VALUE ? 0 : Duration.ofNanos(now - oldest).toMillis(), physical, counters.snapshot(),
        counters.waitMillis(), counters.holdMillis(), leases.longestHolders(now, LONGEST_HOLDERS_SHOWN),
        leases.longLivedHolders(now), activeTimers(), drained, throttle.state(now));
  }

  private List<String> activeTimers() {
    List<String> active = new ArrayList<>(5);
    if (waitDeadline.armed()) {
      active.add(WAIT_DEADLINE);
    }
    if (holdCheck.armed()) {
      active.add(HOLD_CHECK);
    }
    if (idleDrain.armed()) {
      active.add(IDLE_DRAIN);
    }
    if (evaluating) {
      active.add(LIMIT_EVALUATION);
    }
    if (throttleEnd.armed()) {
      active.add(THROTTLE_END);
    }
    return List.copyOf(active);
  }
}
