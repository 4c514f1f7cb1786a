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
import io.sluice.persistence.GovernedPool;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Owns one physical pool and grants its connections as permits. Nobody else can reach the pool: a connection is
 * handed out only under a lease this actor admitted, and taken back on release, revocation and holder death.
 *
 * <p>Invariants: granted ≤ limit ≤ physical pool size; a permit is never lost (a grant whose requester gave up comes
 * back, a duplicate release cannot raise capacity); with no lease and no waiter for {@code idle-timeout} the pool's
 * idle connections are evicted and no timer runs.
 */
public final class PoolSupervisor extends AbstractBehavior<PermitCommand> {

  /** Timer names, as reported in {@link PoolStats#activeTimers()}. */
  static final String WAIT_DEADLINE = "wait-deadline";
  static final String HOLD_CHECK = "hold-check";
  static final String IDLE_DRAIN = "idle-drain";
  static final String LIMIT_EVALUATION = "limit-evaluation";
  private static final int LONGEST_HOLDERS_SHOWN = 5;
  private static final long HISTOGRAM_MAX_MICROS = Duration.ofHours(1).toNanos() / 1000;

  /** Each timer is keyed by its own tick message. */
  private enum Tick implements PermitCommand.Internal {
    WAIT_DEADLINE_DUE(WAIT_DEADLINE),
    HOLD_CHECK_DUE(HOLD_CHECK),
    IDLE_DRAIN_DUE(IDLE_DRAIN),
    EVALUATION_DUE(LIMIT_EVALUATION);

    final String timerName;

    Tick(String timerName) {
      this.timerName = timerName;
    }
  }

  private record HolderStopped(ActorRef<?> holder) implements PermitCommand.Internal {}

  private final PoolSettings settings;
  private final GovernedPool pool;
  private final LimitAlgorithm limitAlgorithm;
  private final Duration evaluationInterval;
  private final LongSupplier nanoClock;
  private final TimerScheduler<PermitCommand> timers;

  private final Map<Long, ActiveLease> leases = new HashMap<>();
  private final WaitQueue queue;
  /** Leases plus waiting requests per watched holder; the holder is unwatched when it reaches zero. */
  private final Map<ActorRef<?>, Integer> holderUse = new HashMap<>();
  private long nextLeaseId;
  private int grantedLongLived;
  /** Timers started and not yet fired or cancelled; tracked here so that the idle state can be proven empty. */
  private final EnumSet<Tick> armed = EnumSet.noneOf(Tick.class);
  private long waitDeadlineDue = Long.MAX_VALUE;
  private long holdCheckDue = Long.MAX_VALUE;
  private boolean drained = true;
  /** When the pool last became idle (no lease, no waiter), or -1 while it has work. */
  private long idleSince = -1;
  /** Whether anything was granted or released since the evaluation interval began. */
  private boolean intervalActive;

  private long acquired;
  private final EnumMap<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
  private long released;
  private long failedWork;
  private long revoked;
  private long leaked;
  private long holderDied;
  private long releasesIgnored;
  private long grantsReclaimed;
  private long invalidRequests;
  private long idleDrains;
  private long limitChanges;
  private int currentLimit;
  /** Accumulated over the current evaluation interval. */
  private long intervalStart;
  private long lastGrantedChange;
  private long grantedNanos;
  private long intervalCompletions;
  private long intervalBusyNanos;
  private long intervalFailures;
  private long intervalTimeouts;
  private final PoolMetrics metrics;
  private final Histogram waitMicros = new Histogram(HISTOGRAM_MAX_MICROS, 2);
  private final Histogram holdMicros = new Histogram(HISTOGRAM_MAX_MICROS, 2);

  /** A supervisor whose limit follows {@code sluice.pools.<name>.limit-control}. */
  public static Behavior<PermitCommand> create(
      PoolSettings settings, GovernedPool pool, LimitSettings limit, LongSupplier nanoClock) {
    return create(settings, pool, LimitAlgorithms.create(limit), limit.evaluationInterval(), nanoClock);
  }

  /**
   * @param evaluationInterval how often an adaptive {@code limit} is re-evaluated while there is work
   * @param nanoClock monotonic time in nanoseconds: {@code System::nanoTime} in production, virtual time in tests
   */
  public static Behavior<PermitCommand> create(PoolSettings settings, GovernedPool pool, LimitAlgorithm limit,
      Duration evaluationInterval, LongSupplier nanoClock) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new PoolSupervisor(context, timers, settings, pool, limit, evaluationInterval, nanoClock)));
  }

  private PoolSupervisor(
      ActorContext<PermitCommand> context,
      TimerScheduler<PermitCommand> timers,
      PoolSettings settings,
      GovernedPool pool,
      LimitAlgorithm limitAlgorithm,
      Duration evaluationInterval,
      LongSupplier nanoClock) {
    super(context);
    this.evaluationInterval = evaluationInterval;
    this.timers = timers;
    this.settings = settings;
    this.pool = pool;
    this.limitAlgorithm = limitAlgorithm;
    this.nanoClock = nanoClock;
    this.queue = new WaitQueue(settings.ageingInterval().toNanos());
    this.metrics = new PoolMetrics(settings.name());
    this.currentLimit = clampLimit(limitAlgorithm.limit());
  }

  @Override
  public Receive<PermitCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(GiveUp.class, this::onGiveUp)
        .onMessage(GetPoolStats.class, this::onGetStats)
        .onMessage(HolderStopped.class, this::onHolderStopped)
        .onMessageEquals(Tick.WAIT_DEADLINE_DUE, this::onWaitDeadline)
        .onMessageEquals(Tick.HOLD_CHECK_DUE, this::onHoldCheck)
        .onMessageEquals(Tick.IDLE_DRAIN_DUE, this::onIdleDrain)
        .onMessageEquals(Tick.EVALUATION_DUE, this::onEvaluate)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private int limit() {
    return currentLimit;
  }

  /** granted ≤ limit ≤ physical size, and one permit above the long-lived leases so that short work can proceed. */
  private int clampLimit(int proposed) {
    return Math.max(grantedLongLived + 1, Math.min(proposed, pool.maxSize()));
  }

  private Behavior<PermitCommand> onAcquire(Acquire request) {
    String invalid = validate(request);
    if (invalid != null) {
      invalidRequests++;
      getContext().getLog().warn("invalid Acquire rejected: pool={} requestId={} problem={}", settings.name(),
          request.requestId(), invalid);
      reject(request, RejectReason.INVALID_REQUEST, invalid);
      return this;
    }
    wake();
    if (request.kind() == LeaseKind.LONG_LIVED && grantedLongLived >= settings.maxLongLived()) {
      reject(request, RejectReason.LONG_LIVED_CAP, longLivedCapDetail());
      afterChange();
      return this;
    }
    long now = nanoClock.getAsLong();
    if (queue.isEmpty() && leases.size() < limit()) {
      useHolder(request.holder());
      grant(request, now, now);
    } else if (queue.size() >= settings.maxQueue()) {
      reject(request, RejectReason.QUEUE_FULL, "pool '" + settings.name() + "' already has " + queue.size()
          + " requests waiting (sluice.pools." + settings.name() + ".max-queue = " + settings.maxQueue()
          + "); all " + leases.size() + " permits are in use: retry later or lower the concurrency of the callers");
    } else {
      useHolder(request.holder());
      WaitQueue.Waiter waiter = new WaitQueue.Waiter(request, now, now + request.maxWait().toNanos());
      queue.add(waiter);
      if (waiter.deadline < waitDeadlineDue) {
        armAt(Tick.WAIT_DEADLINE_DUE, waiter.deadline, now);
        waitDeadlineDue = waiter.deadline;
      }
    }
    afterChange();
    return this;
  }

  private static String validate(Acquire request) {
    if (request.replyTo() == null) {
      return "replyTo is missing";
    }
    if (request.maxWait() == null || request.maxWait().isNegative() || request.maxWait().isZero()) {
      return "maxWait must be positive, was " + request.maxWait();
    }
    if (request.kind() == null || request.priority() == null) {
      return "kind and priority are required";
    }
    if (request.owner() == null || request.owner().isBlank() || request.purpose() == null
        || request.purpose().isBlank()) {
      return "owner and purpose are required, so that every lease can be traced";
    }
    return null;
  }

  /** Grants a permit; the caller has already counted the request's holder as in use. */
  private void grant(Acquire request, long enqueuedAt, long now) {
    long id = ++nextLeaseId;
    Duration maxHold = request.kind() == LeaseKind.SHORT ? settings.maxHold() : Duration.ZERO;
    Lease lease = new Lease(new LeaseId(id), settings.name(), request.owner(), request.purpose(), request.kind(),
        maxHold);
    pool.admit(id);
    noteGrantedChange(now);
    leases.put(id, new ActiveLease(lease, request, now, metrics.holdTime(request.owner(), request.purpose())));
    acquired++;
    recordMicros(waitMicros, now - enqueuedAt);
    metrics.granted(now - enqueuedAt);
    if (request.kind() == LeaseKind.LONG_LIVED) {
      grantedLongLived++;
      setLimit(limitAlgorithm.limit());
    } else {
      long due = now + maxHold.toNanos();
      if (due < holdCheckDue) {
        armAt(Tick.HOLD_CHECK_DUE, due, now);
        holdCheckDue = due;
      }
    }
    request.replyTo().tell(new Granted(request.requestId(), lease));
  }

  private Behavior<PermitCommand> onRelease(Release release) {
    ActiveLease lease = release.lease() == null ? null : leases.get(release.lease().value());
    if (lease == null) {
      releasesIgnored++;
      getContext().getLog().info("release of unknown or already returned lease ignored: pool={} lease={}",
          settings.name(), release.lease());
      return this;
    }
    long now = nanoClock.getAsLong();
    if (retire(lease)) {
      getContext().getLog().warn("lease released with its connection still checked out; connection aborted:"
          + " pool={} lease={} owner={} purpose={}", settings.name(), lease.lease.id(), lease.lease.owner(),
          lease.lease.purpose());
    }
    released++;
    intervalCompletions++;
    intervalBusyNanos += release.busy() == null ? 0 : Math.max(0, release.busy().toNanos());
    if (release.failed()) {
      failedWork++;
      intervalFailures++;
    }
    recordHold(lease, now);
    dispatch(now);
    afterChange();
    return this;
  }

  private Behavior<PermitCommand> onGiveUp(GiveUp giveUp) {
    List<WaitQueue.Waiter> left = new ArrayList<>(1);
    queue.removeIf(w -> w.request.requestId() == giveUp.requestId() && w.request.replyTo().equals(giveUp.replyTo()),
        left::add);
    for (WaitQueue.Waiter waiter : left) {
      countRejected(RejectReason.CANCELLED);
      releaseHolder(waiter.request.holder());
    }
    if (left.isEmpty()) {
      ActiveLease granted = null;
      for (ActiveLease lease : leases.values()) {
        if (lease.request.requestId() == giveUp.requestId() && lease.request.replyTo().equals(giveUp.replyTo())) {
          granted = lease;
          break;
        }
      }
      if (granted != null) {
        grantsReclaimed++;
        getContext().getLog().info("grant reclaimed from a requester that gave up: pool={} lease={} owner={}"
            + " purpose={}", settings.name(), granted.lease.id(), granted.lease.owner(), granted.lease.purpose());
        retire(granted);
        dispatch(nanoClock.getAsLong());
      }
    }
    afterChange();
    return this;
  }

  private Behavior<PermitCommand> onHolderStopped(HolderStopped stopped) {
    holderUse.remove(stopped.holder());
    long now = nanoClock.getAsLong();
    List<ActiveLease> orphaned = new ArrayList<>();
    for (ActiveLease lease : leases.values()) {
      if (stopped.holder().equals(lease.request.holder())) {
        orphaned.add(lease);
      }
    }
    for (ActiveLease lease : orphaned) {
      holderDied++;
      metrics.holderDied();
      boolean aborted = retireWithoutHolder(lease);
      recordHold(lease, now);
      getContext().getLog().warn("holder stopped while holding a lease; permit returned{}: pool={} lease={} owner={}"
              + " purpose={} heldFor={}", aborted ? " and its connection aborted" : "", settings.name(),
          lease.lease.id(), lease.lease.owner(), lease.lease.purpose(), Duration.ofNanos(now - lease.grantedAt));
    }
    queue.removeIf(w -> stopped.holder().equals(w.request.holder()), w -> countRejected(RejectReason.CANCELLED));
    dispatch(now);
    afterChange();
    return this;
  }

  private Behavior<PermitCommand> onWaitDeadline() {
    armed.remove(Tick.WAIT_DEADLINE_DUE);
    long now = nanoClock.getAsLong();
    waitDeadlineDue = Long.MAX_VALUE;
    queue.removeIf(w -> w.deadline <= now, w -> {
      releaseHolder(w.request.holder());
      intervalTimeouts++;
      reject(w.request, RejectReason.TIMED_OUT, "no permit of pool '" + settings.name() + "' became free within "
          + w.request.maxWait() + " (limit " + limit() + ", " + leases.size() + " granted, " + queue.size()
          + " still waiting): the database is the bottleneck; allow a longer maxWait or lower the callers'"
          + " concurrency");
    });
    afterChange();
    return this;
  }

  private Behavior<PermitCommand> onHoldCheck() {
    armed.remove(Tick.HOLD_CHECK_DUE);
    long now = nanoClock.getAsLong();
    holdCheckDue = Long.MAX_VALUE;
    List<ActiveLease> overdue = new ArrayList<>();
    for (ActiveLease lease : leases.values()) {
      if (lease.lease.kind() == LeaseKind.SHORT && lease.grantedAt + lease.lease.maxHold().toNanos() <= now) {
        overdue.add(lease);
      }
    }
    for (ActiveLease lease : overdue) {
      Duration heldFor = Duration.ofNanos(now - lease.grantedAt);
      revoked++;
      leaked++;
      metrics.revokedAsLeak();
      retire(lease);
      recordHold(lease, now);
      getContext().getLog().warn("lease revoked, held past max hold (leak): pool={} lease={} owner={} purpose={}"
          + " heldFor={} maxHold={}", settings.name(), lease.lease.id(), lease.lease.owner(), lease.lease.purpose(),
          heldFor, lease.lease.maxHold());
      lease.request.replyTo().tell(new Revoked(lease.lease.id(), "held for " + heldFor + ", longer than max hold "
          + lease.lease.maxHold() + " (sluice.pools." + settings.name() + ".max-hold); the connection was aborted"));
    }
    dispatch(now);
    afterChange();
    return this;
  }

  private Behavior<PermitCommand> onIdleDrain() {
    armed.remove(Tick.IDLE_DRAIN_DUE);
    if (idleSince < 0) {
      return this;
    }
    long now = nanoClock.getAsLong();
    long quietFor = now - idleSince;
    if (quietFor < settings.idleTimeout().toNanos()) {
      // Work came and went since the countdown started: count from when it last went idle.
      armAt(Tick.IDLE_DRAIN_DUE, idleSince + settings.idleTimeout().toNanos(), now);
      return this;
    }
    for (Tick tick : Tick.values()) {
      disarm(tick);
    }
    waitDeadlineDue = Long.MAX_VALUE;
    holdCheckDue = Long.MAX_VALUE;
    pool.evictIdle();
    idleDrains++;
    drained = true;
    limitAlgorithm.restart();
    setLimit(limitAlgorithm.limit());
    metrics.physical(pool.physical());
    metrics.state(currentLimit, 0, 0, 0, 0);
    getContext().getLog().info("pool idle for {}: idle connections evicted, no timers left: pool={}",
        settings.idleTimeout(), settings.name());
    return this;
  }

  private Behavior<PermitCommand> onEvaluate() {
    if (idleSince >= 0 && !intervalActive) {
      // A whole interval without work: stop evaluating until work returns.
      disarm(Tick.EVALUATION_DUE);
      return this;
    }
    long now = nanoClock.getAsLong();
    noteGrantedChange(now);
    long elapsed = Math.max(1, now - intervalStart);
    long oldest = queue.oldestEnqueuedAt();
    LimitSample sample = new LimitSample(now, currentLimit, (double) grantedNanos / ((double) elapsed * currentLimit),
        queue.size(), oldest == Long.MAX_VALUE ? 0 : now - oldest, intervalCompletions,
        intervalCompletions == 0 ? 0 : intervalBusyNanos / intervalCompletions, intervalFailures, intervalTimeouts);
    startInterval(now);
    setLimit(limitAlgorithm.update(sample));
    metrics.physical(pool.physical());
    dispatch(now);
    afterChange();
    return this;
  }

  private void setLimit(int proposed) {
    int next = clampLimit(proposed);
    if (next != currentLimit) {
      limitChanges++;
      metrics.limitChanged();
      getContext().getLog().debug("permit limit changed: pool={} from={} to={}", settings.name(), currentLimit, next);
      currentLimit = next;
    }
  }

  private void startInterval(long now) {
    intervalActive = false;
    intervalStart = now;
    lastGrantedChange = now;
    grantedNanos = 0;
    intervalCompletions = 0;
    intervalBusyNanos = 0;
    intervalFailures = 0;
    intervalTimeouts = 0;
  }

  /** Integrates granted permits over time, for the interval's utilisation; call before the lease count changes. */
  private void noteGrantedChange(long now) {
    intervalActive = true;
    grantedNanos += (long) leases.size() * (now - lastGrantedChange);
    lastGrantedChange = now;
  }

  private Behavior<PermitCommand> onGetStats(GetPoolStats request) {
    request.replyTo().tell(stats(nanoClock.getAsLong()));
    return this;
  }

  private Behavior<PermitCommand> onStop() {
    for (ActiveLease lease : List.copyOf(leases.values())) {
      retire(lease);
    }
    queue.drainTo(w -> reject(w.request, RejectReason.SHUTTING_DOWN, "pool '" + settings.name()
        + "' is shutting down"));
    return this;
  }

  /** Grants permits to waiters while the limit allows. */
  private void dispatch(long now) {
    while (leases.size() < limit() && !queue.isEmpty()) {
      WaitQueue.Waiter next = queue.poll(now);
      if (next.request.kind() == LeaseKind.LONG_LIVED && grantedLongLived >= settings.maxLongLived()) {
        releaseHolder(next.request.holder());
        reject(next.request, RejectReason.LONG_LIVED_CAP, longLivedCapDetail());
      } else {
        grant(next.request, next.enqueuedAt, now);
      }
    }
  }

  /** Gives a lease's permit back and closes its pool door; true if a still-open connection had to be aborted. */
  private boolean retire(ActiveLease lease) {
    releaseHolder(lease.request.holder());
    return retireWithoutHolder(lease);
  }

  private boolean retireWithoutHolder(ActiveLease lease) {
    noteGrantedChange(nanoClock.getAsLong());
    leases.remove(lease.lease.id().value());
    if (lease.lease.kind() == LeaseKind.LONG_LIVED) {
      grantedLongLived--;
      setLimit(limitAlgorithm.limit());
    }
    return pool.retire(lease.lease.id().value());
  }

  /**
   * A request became active: leave the drained state. The idle countdown is left running (cheaper than cancelling it
   * on every request); when it fires it finds the pool busy, or counts again from when it last went idle.
   */
  private void wake() {
    drained = false;
    idleSince = -1;
    if (limitAlgorithm.adaptive() && !armed.contains(Tick.EVALUATION_DUE)) {
      startInterval(nanoClock.getAsLong());
      timers.startTimerAtFixedRate(Tick.EVALUATION_DUE, Tick.EVALUATION_DUE, evaluationInterval);
      armed.add(Tick.EVALUATION_DUE);
    }
  }

  /** Keeps exactly the timers that have due work and the gauges current; starts the idle countdown when idle. */
  private void afterChange() {
    long now = nanoClock.getAsLong();
    long oldest = queue.oldestEnqueuedAt();
    metrics.state(currentLimit, leases.size(), grantedLongLived, queue.size(),
        oldest == Long.MAX_VALUE ? 0 : now - oldest);
    // Timers are armed when due work appears and left to fire when it goes away: a timer that finds nothing to do
    // is not re-armed, and the idle drain cancels whatever is left. No start/cancel churn per request.
    if (!queue.isEmpty() && waitDeadlineDue == Long.MAX_VALUE) {
      waitDeadlineDue = queue.earliestDeadline();
      armAt(Tick.WAIT_DEADLINE_DUE, waitDeadlineDue, now);
    }
    if (leases.size() > grantedLongLived && holdCheckDue == Long.MAX_VALUE) {
      holdCheckDue = earliestHoldDeadline();
      armAt(Tick.HOLD_CHECK_DUE, holdCheckDue, now);
    }
    if (leases.isEmpty() && queue.isEmpty() && !drained) {
      if (idleSince < 0) {
        idleSince = now;
      }
      if (!armed.contains(Tick.IDLE_DRAIN_DUE)) {
        armAt(Tick.IDLE_DRAIN_DUE, idleSince + settings.idleTimeout().toNanos(), now);
      }
    }
  }

  private long earliestHoldDeadline() {
    long earliest = Long.MAX_VALUE;
    for (ActiveLease lease : leases.values()) {
      if (lease.lease.kind() == LeaseKind.SHORT) {
        earliest = Math.min(earliest, lease.grantedAt + lease.lease.maxHold().toNanos());
      }
    }
    return earliest;
  }

  private void armAt(Tick tick, long dueNanos, long now) {
    timers.startSingleTimer(tick, tick, Duration.ofNanos(Math.max(0, dueNanos - now)));
    armed.add(tick);
  }

  private void disarm(Tick tick) {
    if (armed.remove(tick)) {
      timers.cancel(tick);
    }
  }

  private void useHolder(ActorRef<?> holder) {
    if (holder != null && holderUse.merge(holder, 1, Integer::sum) == 1) {
      getContext().watchWith(holder, new HolderStopped(holder));
    }
  }

  private void releaseHolder(ActorRef<?> holder) {
    if (holder == null) {
      return;
    }
    Integer use = holderUse.get(holder);
    if (use == null) {
      return;
    }
    if (use <= 1) {
      holderUse.remove(holder);
      getContext().unwatch(holder);
    } else {
      holderUse.put(holder, use - 1);
    }
  }

  private void reject(Acquire request, RejectReason reason, String detail) {
    countRejected(reason);
    if (request.replyTo() != null) {
      request.replyTo().tell(new Rejected(request.requestId(), reason, detail));
    }
  }

  private void countRejected(RejectReason reason) {
    rejected.merge(reason, 1L, Long::sum);
    metrics.rejected(reason);
  }

  private String longLivedCapDetail() {
    return "pool '" + settings.name() + "' already has " + grantedLongLived + " long-lived leases (sluice.pools."
        + settings.name() + ".max-long-lived = " + settings.maxLongLived() + "); release one or raise the cap";
  }

  private void recordHold(ActiveLease lease, long now) {
    recordMicros(holdMicros, now - lease.grantedAt);
    lease.holdTime.record(Math.max(0, now - lease.grantedAt));
  }

  private static void recordMicros(Histogram histogram, long nanos) {
    histogram.recordValue(Math.min(HISTOGRAM_MAX_MICROS, Math.max(0, nanos / 1000)));
  }

  private PoolStats stats(long now) {
    PoolStats.Physical physical = pool.physical();
    metrics.physical(physical);
    List<PoolStats.Holder> holders = new ArrayList<>(leases.size());
    List<PoolStats.Holder> longLived = new ArrayList<>(grantedLongLived);
    for (ActiveLease lease : leases.values()) {
      PoolStats.Holder holder = new PoolStats.Holder(lease.lease.id().value(), lease.lease.owner(),
          lease.lease.purpose(), lease.lease.kind(), Duration.ofNanos(now - lease.grantedAt).toMillis());
      holders.add(holder);
      if (lease.lease.kind() == LeaseKind.LONG_LIVED) {
        longLived.add(holder);
      }
    }
    holders.sort(Comparator.comparingLong(PoolStats.Holder::heldForMillis).reversed());
    List<String> activeTimers = new ArrayList<>(armed.size());
    for (Tick tick : armed) {
      activeTimers.add(tick.timerName);
    }
    long oldest = queue.oldestEnqueuedAt();
    return new PoolStats(
        settings.name(),
        limit(),
        leases.size() - grantedLongLived,
        grantedLongLived,
        queue.size(),
        oldest == Long.MAX_VALUE ? 0 : Duration.ofNanos(now - oldest).toMillis(),
        physical,
        new PoolStats.Counters(acquired, Map.copyOf(rejected), released, failedWork, revoked, leaked, holderDied,
            releasesIgnored, grantsReclaimed, invalidRequests, idleDrains, limitChanges),
        percentiles(waitMicros),
        percentiles(holdMicros),
        List.copyOf(holders.subList(0, Math.min(LONGEST_HOLDERS_SHOWN, holders.size()))),
        List.copyOf(longLived),
        List.copyOf(activeTimers),
        drained);
  }

  private static PoolStats.Percentiles percentiles(Histogram micros) {
    return new PoolStats.Percentiles(micros.getTotalCount(), micros.getValueAtPercentile(50) / 1000.0,
        micros.getValueAtPercentile(90) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
        micros.getMaxValue() / 1000.0);
  }

  /** A granted lease and what the supervisor needs to police it. */
  private static final class ActiveLease {
    final Lease lease;
    final Acquire request;
    final long grantedAt;
    final kamon.metric.Histogram holdTime;

    ActiveLease(Lease lease, Acquire request, long grantedAt, kamon.metric.Histogram holdTime) {
      this.lease = lease;
      this.request = request;
      this.grantedAt = grantedAt;
      this.holdTime = holdTime;
    }
  }
}
