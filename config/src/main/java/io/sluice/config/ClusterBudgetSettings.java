package io.sluice.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the nodes of a cluster share one database budget ({@code sluice.cluster.budget.*}): with it on, {@code
 * sluice.database.max-connections} is the whole cluster's, and a coordinator (a Cluster Singleton) gives each node a
 * share of {@code db} connections for its pool and permits.
 *
 * @param enabled whether this node takes part; a one-node deployment does not need it
 * @param minShare the smallest {@code db} share a node works with (and is always given)
 * @param headroom permits a node is given above its demand, so it can grow before its next report
 * @param joinReserve whether one node's footprint is kept free so a joining node always fits at once
 * @param reportInterval how often a node reports its demand (also its heartbeat to the coordinator)
 * @param coordinatorTimeout how long a node goes without hearing the coordinator before it falls back to the
 *     conservative share (budget ÷ last known node count, never more than it holds)
 * @param removalMargin how long after a node's removal from the cluster its share is given to others: time for a
 *     downed node that is still running to close its pools
 * @param shrinkCheckInterval how often a shrinking node checks whether its pool is within its new share
 */
public record ClusterBudgetSettings(boolean enabled, int minShare, int headroom, boolean joinReserve,
    Duration reportInterval, Duration coordinatorTimeout, Duration removalMargin, Duration shrinkCheckInterval) {

  private static final String KEY = "sluice.cluster.budget.";

  /**
   * @param db the node's {@code db} pool, whose configured size is the most the node's share can be (checked only
   *     when the budget is shared)
   * @throws SettingsException naming every wrong key and why
   */
  public static ClusterBudgetSettings from(Config config, PoolSettings db) {
    SettingsReader reader = new SettingsReader(config);
    ClusterBudgetSettings settings = new ClusterBudgetSettings(reader.bool(KEY + "enabled"),
        reader.intAtLeast(KEY + "min-share", 1),
        reader.intAtLeast(KEY + "headroom", 0),
        reader.bool(KEY + "join-reserve"),
        reader.positiveDuration(KEY + "report-interval"),
        reader.positiveDuration(KEY + "coordinator-timeout"),
        reader.nonNegativeDuration(KEY + "removal-margin"),
        reader.positiveDuration(KEY + "shrink-check-interval"));
    reader.throwIfInvalid();
    if (settings.enabled() && settings.minShare() > db.maxSize()) {
      reader.fail(KEY + "min-share", "is " + settings.minShare() + " but must not exceed sluice.pools.db.max-size "
          + db.maxSize() + ": the share is the db pool's size", null);
    }
    if (settings.coordinatorTimeout().compareTo(settings.reportInterval().multipliedBy(2)) < 0) {
      reader.fail(KEY + "coordinator-timeout", "is " + settings.coordinatorTimeout() + " but must be at least twice "
          + KEY + "report-interval (" + settings.reportInterval() + "): a node would fall back between two answers",
          null);
    }
    reader.throwIfInvalid();
    return settings;
  }
}
