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
 * @param throttle the cap a {@link Throttle} put on the limit, if one is in force, and how many there were
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
    boolean drained,
    ThrottleState throttle) {

  /** Stats of a pool that was never throttled. */
  public PoolStats(String pool, int limit, int grantedShort, int grantedLongLived, int waiting, long oldestWaitMillis,
      Physical physical, Counters counters, Percentiles waitMillis, Percentiles holdMillis, List<Holder> longestHolders,
      List<Holder> longLived, List<String> activeTimers, boolean drained) {
    this(pool, limit, grantedShort, grantedLongLived, waiting, oldestWaitMillis, physical, counters, waitMillis,
        holdMillis, longestHolders, longLived, activeTimers, drained, ThrottleState.NEVER);
  }

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

  /**
   * The throttle of the limit.
   *
   * @param active whether a {@link Throttle} caps the limit now
   * @param cap the cap while active (the limit is the lower of it and what the limit algorithm says), else 0
   * @param remainingMillis how long the cap still holds while active, else 0
   * @param throttles {@link Throttle} signals received since start
   */
  public record ThrottleState(boolean active, int cap, long remainingMillis, long throttles) {
    public static final ThrottleState NEVER = new ThrottleState(false, 0, 0, 0);
  }
}
