package io.sluice.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the nodes of a cluster share one database budget ({@code sluice.cluster.budget.*}): with it on, {@code
 * sluice.database.max-connections} is the whole cluster's, and a coordinator (a Cluster Singleton) gives each node a
 * share of {@code db} connections for its pool and permits.
 *
 * @param enabled whether this node takes part: {@code auto} (the default) means when it joins other nodes (seed nodes
 *     or Cluster Bootstrap configured); a one-node deployment does not need it
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
   * @param cluster how the node joins: {@code enabled = auto} shares the budget when it joins other nodes
   * @throws SettingsException naming every wrong key and why
   */
  public static ClusterBudgetSettings from(Config config, PoolSettings db, ClusterSettings cluster) {
    SettingsReader reader = new SettingsReader(config);
    String enabled = reader.nonBlank(KEY + "enabled").toLowerCase(java.util.Locale.ROOT);
    boolean joinsOthers = !cluster.seedNodes().isEmpty() || cluster.bootstrap().enabled();
    boolean shared = switch (enabled) {
      case "auto" -> joinsOthers;
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> reader.fail(KEY + "enabled", "is '" + enabled + "' but must be auto, on or off", false);
    };
    ClusterBudgetSettings settings = new ClusterBudgetSettings(shared,
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
