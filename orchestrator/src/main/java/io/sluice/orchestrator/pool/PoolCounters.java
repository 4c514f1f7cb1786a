package io.sluice.orchestrator.pool;

import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.RejectReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything a supervisor counts since start, kept for {@link PoolStats} and mirrored into its Kamon instruments in
 * the same call, so the two can never disagree.
 *
 * <p>Not thread-safe: owned by one actor.
 */
final class PoolCounters {
  private static final long HISTOGRAM_MAX_MICROS = Duration.ofHours(1).toNanos() / 1000;

  private final PoolMetrics metrics;
  private final EnumMap<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
  private final Histogram waitMicros = new Histogram(HISTOGRAM_MAX_MICROS, 2);
  private final Histogram holdMicros = new Histogram(HISTOGRAM_MAX_MICROS, 2);
  private long acquired;
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

  PoolCounters(PoolMetrics metrics) {
    this.metrics = metrics;
  }

  void granted(long waitedNanos) {
    acquired++;
    recordMicros(waitMicros, waitedNanos);
    metrics.granted(waitedNanos);
  }

  void rejected(RejectReason reason) {
    rejected.merge(reason, 1L, Long::sum);
    metrics.rejected(reason);
  }

  void released(boolean failed) {
    released++;
    if (failed) {
      failedWork++;
    }
  }

  /** A lease ended, however: its hold time goes into the distribution and its own owner kind's series. */
  void held(ActiveLease lease, long now) {
    long heldNanos = Math.max(0, now - lease.grantedAt());
    recordMicros(holdMicros, heldNanos);
    lease.holdTime().record(heldNanos);
  }

  /** A SHORT lease was held past max hold: today the only revocation, so it counts as both. */
  void revokedAsLeak() {
    revoked++;
    leaked++;
    metrics.revokedAsLeak();
  }

  void holderDied() {
    holderDied++;
    metrics.holderDied();
  }

  void releaseIgnored() {
    releasesIgnored++;
  }

  void grantReclaimed() {
    grantsReclaimed++;
  }

  void invalidRequest() {
    invalidRequests++;
  }

  void idleDrained() {
    idleDrains++;
  }

  void limitChanged() {
    limitChanges++;
    metrics.limitChanged();
  }

  long rejectedFor(RejectReason reason) {
    return rejected.getOrDefault(reason, 0L);
  }

  PoolStats.Counters snapshot() {
    return new PoolStats.Counters(acquired, Map.copyOf(rejected), released, failedWork, revoked, leaked, holderDied,
        releasesIgnored, grantsReclaimed, invalidRequests, idleDrains, limitChanges);
  }

  PoolStats.Percentiles waitMillis() {
    return percentiles(waitMicros);
  }

  PoolStats.Percentiles holdMillis() {
    return percentiles(holdMicros);
  }

  private static void recordMicros(Histogram histogram, long nanos) {
    histogram.recordValue(Math.min(HISTOGRAM_MAX_MICROS, Math.max(0, nanos / 1000)));
  }

  private static PoolStats.Percentiles percentiles(Histogram micros) {
    return new PoolStats.Percentiles(micros.getTotalCount(), micros.getValueAtPercentile(50) / 1000.0,
        micros.getValueAtPercentile(90) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
        micros.getMaxValue() / 1000.0);
  }
}
