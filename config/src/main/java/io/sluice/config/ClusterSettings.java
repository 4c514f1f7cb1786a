package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;

/**
 * Where this node's Akka Cluster (Artery TCP) listens, and how long an idle sharded entity stays in memory.
 *
 * @param host the canonical hostname other nodes (and this one, when it joins itself) reach it at
 * @param port the Artery TCP port; 0 picks a free one
 * @param passivationIdleTimeout a sharded entity that received no message for this long is stopped; its state is in
 *     the journal and comes back on the next message
 */
public record ClusterSettings(String host, int port, Duration passivationIdleTimeout) {

  static ClusterSettings read(SettingsReader reader) {
    ClusterSettings cluster = new ClusterSettings(
        reader.nonBlank("sluice.cluster.host"),
        reader.intAtLeast("sluice.cluster.port", 0),
        reader.positiveDuration("sluice.cluster.passivation-idle-timeout"));
    if (cluster.port() > 65535) {
      reader.fail("sluice.cluster.port", "is " + cluster.port() + " but must be at most 65535", null);
    }
    return cluster;
  }

  /**
   * The Akka keys these settings decide, to lay over the configuration the actor system starts with. Set here rather
   * than by substitution in {@code application.conf}, because a configuration that was already resolved (as
   * {@code ConfigFactory.load()} returns it) no longer follows later overrides of {@code sluice.cluster.*}.
   */
  public Config akkaConfig() {
    return ConfigFactory.parseMap(Map.of(
        "akka.remote.artery.canonical.hostname", host,
        "akka.remote.artery.canonical.port", port,
        "akka.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout",
        passivationIdleTimeout.toMillis() + "ms"));
  }
}
