package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This node of the Akka Cluster (Artery TCP): where it listens, how it joins, how members it cannot reach are downed,
 * and how long an idle sharded entity stays in memory. With no seed nodes and no Cluster Bootstrap it joins itself,
 * a cluster of one, as a standalone service always has.
 *
 * @param host the canonical hostname other nodes (and this one, when it joins itself) reach it at
 * @param port the Artery TCP port; 0 picks a free one
 * @param passivationIdleTimeout a sharded entity that received no message for this long is stopped; its state is in
 *     the journal and comes back on the next message
 * @param seedNodes the nodes ({@code host:port} of their Artery address) this one joins through; empty: it joins
 *     itself, unless Cluster Bootstrap is on
 * @param joinTimeout how long start-up waits for this node to become an Up member before it fails
 * @param downing the failure detector's tolerance and the Split Brain Resolver
 * @param bootstrap Cluster Bootstrap, the alternative to seed nodes
 */
public record ClusterSettings(String host, int port, Duration passivationIdleTimeout, List<HostPort> seedNodes,
    Duration joinTimeout, DowningSettings downing, ClusterBootstrapSettings bootstrap) {

  static ClusterSettings read(SettingsReader reader, ManagementSettings management) {
    ClusterSettings cluster = new ClusterSettings(
        reader.nonBlank("sluice.cluster.host"),
        reader.intAtLeast("sluice.cluster.port", 0),
        reader.positiveDuration("sluice.cluster.passivation-idle-timeout"),
        reader.hostPorts("sluice.cluster.seed-nodes"),
        reader.positiveDuration("sluice.cluster.join-timeout"),
        DowningSettings.read(reader),
        ClusterBootstrapSettings.read(reader));
    if (cluster.port() > 65535) {
      reader.fail("sluice.cluster.port", "is " + cluster.port() + " but must be at most 65535", null);
    }
    if (cluster.bootstrap().enabled()) {
      if (!cluster.seedNodes().isEmpty()) {
        reader.fail("sluice.cluster.seed-nodes", "and sluice.cluster.bootstrap.enabled are exclusive: a node joins"
            + " either through seed nodes or by Cluster Bootstrap; empty the seed nodes or switch bootstrap off", null);
      }
      if (!management.enabled()) {
        reader.fail("sluice.cluster.bootstrap.enabled", "is on but sluice.management.enabled is off: Cluster"
            + " Bootstrap finds and probes the other nodes through their Akka Management endpoints", null);
      } else if (management.port() == 0) {
        reader.fail("sluice.management.port", "is 0 but Cluster Bootstrap (sluice.cluster.bootstrap.enabled) needs"
            + " a fixed port: the other nodes' contact points name it", null);
      }
    }
    return cluster;
  }

  /** Whether this node joins nobody but itself (no seed nodes, no Cluster Bootstrap): a cluster of one. */
  public boolean joinsItself() {
    return seedNodes.isEmpty() && !bootstrap.enabled();
  }

  /**
   * The Akka keys these settings decide, to lay over the configuration the actor system starts with. Set here rather
   * than by substitution in {@code application.conf}, because a configuration that was already resolved (as
   * {@code ConfigFactory.load()} returns it) no longer follows later overrides of {@code sluice.cluster.*}.
   */
  public Config akkaConfig() {
    Map<String, Object> keys = new HashMap<>();
    keys.put("akka.remote.artery.canonical.hostname", host);
    keys.put("akka.remote.artery.canonical.port", port);
    keys.put("akka.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout",
        passivationIdleTimeout.toMillis() + "ms");
    downing.addAkkaKeys(keys);
    bootstrap.addAkkaKeys(keys);
    return ConfigFactory.parseMap(keys);
  }
}
