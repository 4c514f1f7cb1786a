package io.sluice.orchestrator.pool;

import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * A supervisor's Kamon instruments, every series built once with its full tag set (chained tags would register
 * stray partial series). Names are listed in the README; Prometheus sees them with dots as underscores.
 */
final class PoolMetrics {
  /** Hold-time series per pool unless the supervisor is given another cap: room for a few dozen real owner kinds. */
  static final int DEFAULT_MAX_HOLD_SERIES = 64;

  private final Gauge limit;
  private final Gauge grantedShort;
  private final Gauge grantedLongLived;
  private final Gauge waiting;
  private final Gauge oldestWait;
  private final Gauge connectionsActive;
  private final Gauge connectionsIdle;
  private final Gauge connectionsTotal;
  private final Counter acquired;
  private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
  private final Counter revoked;
  private final Counter leaked;
  private final Counter holderDied;
  private final Counter limitChanges;
  private final Histogram waitTime;
  private final HoldTimeSeries holdTimes;

  PoolMetrics(String pool) {
    this(pool, DEFAULT_MAX_HOLD_SERIES);
  }

  PoolMetrics(String pool, int maxHoldSeries) {
    holdTimes = new HoldTimeSeries(pool, maxHoldSeries);
    TagSet tags = TagSet.of("pool", pool);
    limit = Kamon.gauge("sluice.permits.limit", "permits that may be granted at once").withTags(tags);
    grantedShort = Kamon.gauge("sluice.permits.granted", "permits granted now")
        .withTags(TagSet.from(Map.of("pool", pool, "kind", "short")));
    grantedLongLived = Kamon.gauge("sluice.permits.granted", "permits granted now")
        .withTags(TagSet.from(Map.of("pool", pool, "kind", "long-lived")));
    waiting = Kamon.gauge("sluice.permits.waiting", "requests queued for a permit").withTags(tags);
    oldestWait = Kamon.gauge("sluice.permits.oldest.wait", "how long the oldest queued request has waited",
        MeasurementUnit.time().seconds()).withTags(tags);
    connectionsActive = connections(pool, "active");
    connectionsIdle = connections(pool, "idle");
    connectionsTotal = connections(pool, "total");
    acquired = Kamon.counter("sluice.permits.acquired", "permits granted").withTags(tags);
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, Kamon.counter("sluice.permits.rejected", "requests not granted, by reason")
          .withTags(TagSet.from(Map.of("pool", pool, "reason", reason.name()))));
    }
    revoked = Kamon.counter("sluice.permits.revoked", "leases taken back by the supervisor").withTags(tags);
    leaked = Kamon.counter("sluice.permits.leaked", "SHORT leases held past max hold").withTags(tags);
    holderDied = Kamon.counter("sluice.permits.holder.died", "leases returned because their holder stopped")
        .withTags(tags);
    limitChanges = Kamon.counter("sluice.permits.limit.changes", "times the adaptive limit moved").withTags(tags);
    waitTime = Kamon.histogram("sluice.permits.wait.time", "time from request to grant",
        MeasurementUnit.time().nanoseconds()).withTags(tags);
  }

  private static Gauge connections(String pool, String state) {
    return Kamon.gauge("sluice.connections", "physical connections of the pool")
        .withTags(TagSet.from(Map.of("pool", pool, "state", state)));
  }

  /** The hold-time histogram of the owner's kind and the purpose, ids removed; called once per grant. */
  Histogram holdTime(String owner, String purpose) {
    return holdTimes.of(owner, purpose);
  }

  /** Distinct hold-time series this pool has created. */
  int holdSeries() {
    return holdTimes.count();
  }

  void granted(long waitedNanos) {
    acquired.increment();
    waitTime.record(waitedNanos);
  }

  void rejected(RejectReason reason) {
    rejected.get(reason).increment();
  }

  /** A SHORT lease held past max hold was revoked: today the only revocation, so it counts as both. */
  void revokedAsLeak() {
    revoked.increment();
    leaked.increment();
  }

  void holderDied() {
    holderDied.increment();
  }

  void limitChanged() {
    limitChanges.increment();
  }

  void state(int currentLimit, int granted, int grantedLong, int queued, long oldestWaitNanos) {
    limit.update(currentLimit);
    grantedShort.update(granted - grantedLong);
    grantedLongLived.update(grantedLong);
    waiting.update(queued);
    oldestWait.update(oldestWaitNanos / 1e9);
  }

  void physical(PoolStats.Physical physical) {
    connectionsActive.update(physical.active());
    connectionsIdle.update(physical.idle());
    connectionsTotal.update(physical.total());
  }
}
