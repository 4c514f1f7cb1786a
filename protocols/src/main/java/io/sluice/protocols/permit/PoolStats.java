package io.sluice.protocols.permit;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of one pool supervisor.
 *
 * @param limit permits that may be granted at once (granted ≤ limit ≤ physical max size)
 * @param drained true while the pool is idle-drained: no leases, no waiters, no connections kept, no timers
 * @param activeTimers names of the supervisor's timers that are running now (empty while idle)
 * @param longestHolders the current leases held longest, longest first
 * @param longLived every current long-lived lease
 */
public record PoolStats(
    String pool,
    int limit,
    int grantedShort,
    int grantedLongLived,
    int waiting,
    long oldestWaitMillis,
    Physical physical,
    Counters counters,
    Percentiles waitMillis,
    Percentiles holdMillis,
    List<Holder> longestHolders,
    List<Holder> longLived,
    List<String> activeTimers,
    boolean drained) {

  public int granted() {
    return grantedShort + grantedLongLived;
  }

  /** Connections the physical pool has open right now. */
  public record Physical(int maxSize, int active, int idle, int total) {}

  /**
   * Monotonic counters since start.
   *
   * @param releasesIgnored releases of unknown or already released leases (duplicates, late, after revocation)
   * @param grantsReclaimed grants returned to the pool because their requester had given up
   * @param invalidRequests malformed protocol use (for example a non-positive max wait)
   * @param limitChanges how often the adaptive limit moved
   */
  public record Counters(
      long acquired,
      Map<RejectReason, Long> rejected,
      long released,
      long failedWork,
      long revoked,
      long leaked,
      long holderDied,
      long releasesIgnored,
      long grantsReclaimed,
      long invalidRequests,
      long idleDrains,
      long limitChanges) {}

  /** Distribution of a duration in milliseconds. */
  public record Percentiles(long count, double p50, double p90, double p99, double max) {}

  /** One current lease. */
  public record Holder(long lease, String owner, String purpose, LeaseKind kind, long heldForMillis) {}
}
