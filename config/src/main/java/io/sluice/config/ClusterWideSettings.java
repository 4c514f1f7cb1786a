package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings every node of one cluster must share, as this node resolved them. A node asking to join a cluster sends
 * these (Akka's configuration compatibility check) and the member it asks refuses it if any differs; so they are
 * written into the actor system's configuration under {@link #PATH}, by {@link #akkaConfig()}, in one canonical form
 * (numbers as numbers, durations in milliseconds, {@code auto} resolved), because the check compares values as they
 * are written: {@code 30} from a file and {@code "30"} from an environment variable, or {@code 3s} and
 * {@code 3000ms}, would otherwise differ.
 *
 * <p>The database is compared by {@link DatabaseSettings#location()}, the URL without its parameters: a URL may carry
 * a user or password as parameters, and no credential is ever sent to another node.
 *
 * @param database where the data is
 * @param budget the cluster's connection budget as this node takes part in it
 * @param downing the Split Brain Resolver, whose strategy Akka compares itself and whose timing and quorum Sluice does
 */
public record ClusterWideSettings(DatabaseSettings database, ClusterBudgetSettings budget, DowningSettings downing) {

  /** Where the compared values are written in the actor system's configuration: computed, not a setting. */
  public static final String PATH = "sluice.cluster.join-check";

  /**
   * One compared value: where it is written and the setting it comes from, which a refusal names. The resolver's
   * quorum size and lone-oldest rule are written only under the strategies that use them.
   */
  public record Shared(String path, String setting) {}

  /** Every compared value, in the order a refusal lists them. */
  public static final List<Shared> SHARED = List.of(
      new Shared(PATH + ".database", "sluice.database.url (without its parameters)"),
      new Shared(PATH + ".max-connections", "sluice.database.max-connections"),
      new Shared(PATH + ".budget.enabled", "sluice.cluster.budget.enabled (resolved: auto is on for a node that"
          + " joins others)"),
      new Shared(PATH + ".budget.headroom", "sluice.cluster.budget.headroom"),
      new Shared(PATH + ".budget.join-reserve", "sluice.cluster.budget.join-reserve"),
      new Shared(PATH + ".budget.removal-margin", "sluice.cluster.budget.removal-margin"),
      new Shared(PATH + ".split-brain-resolver.stable-after", DowningSettings.KEY + "stable-after"),
      new Shared(PATH + ".split-brain-resolver.quorum-size", DowningSettings.KEY + "static-quorum.quorum-size"),
      new Shared(PATH + ".split-brain-resolver.down-if-alone", DowningSettings.KEY + "keep-oldest.down-if-alone"));

  /** This node's values, for {@code settings} and its {@code budget}. */
  public static ClusterWideSettings of(SluiceSettings settings, ClusterBudgetSettings budget) {
    return new ClusterWideSettings(settings.database(), budget, settings.cluster().downing());
  }

  /** The values under {@link #PATH}, to lay over the configuration the actor system starts with. */
  public Config akkaConfig() {
    Map<String, Object> keys = new HashMap<>();
    keys.put(PATH + ".database", database.location());
    keys.put(PATH + ".max-connections", database.maxConnections());
    keys.put(PATH + ".budget.enabled", budget.enabled());
    keys.put(PATH + ".budget.headroom", budget.headroom());
    keys.put(PATH + ".budget.join-reserve", budget.joinReserve());
    keys.put(PATH + ".budget.removal-margin", budget.removalMargin().toMillis() + "ms");
    keys.put(PATH + ".split-brain-resolver.stable-after", downing.stableAfter().toMillis() + "ms");
    if (downing.activeStrategy() == DowningSettings.Strategy.STATIC_QUORUM) {
      keys.put(PATH + ".split-brain-resolver.quorum-size", downing.quorumSize().orElseThrow());
    }
    if (downing.activeStrategy() == DowningSettings.Strategy.KEEP_OLDEST) {
      keys.put(PATH + ".split-brain-resolver.down-if-alone", downing.downIfAlone());
    }
    return ConfigFactory.parseMap(keys);
  }
}
