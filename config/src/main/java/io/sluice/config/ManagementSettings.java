package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/**
 * Akka Management's HTTP endpoint of this node: the orchestrator's health checks ({@code /ready}, {@code /alive}),
 * the cluster's membership ({@code /cluster/members}, read-only) and the contact point Cluster Bootstrap probes. Off
 * in standalone use; Sluice's own {@code /health} endpoints answer either way.
 *
 * @param enabled whether the endpoint is started
 * @param host the address it binds to and other nodes' Cluster Bootstrap reaches it at
 * @param port its port; 0 picks a free one (not with Cluster Bootstrap, whose contact points name fixed ports)
 */
public record ManagementSettings(boolean enabled, String host, int port) {

  static ManagementSettings read(SettingsReader reader) {
    ManagementSettings management = new ManagementSettings(
        reader.bool("sluice.management.enabled"),
        reader.nonBlank("sluice.management.host"),
        reader.intAtLeast("sluice.management.port", 0));
    if (management.port() > 65535) {
      reader.fail("sluice.management.port", "is " + management.port() + " but must be at most 65535", null);
    }
    return management;
  }

  /** The Akka Management keys these settings decide, laid over the actor system's configuration. */
  public Config akkaConfig() {
    return ConfigFactory.parseMap(Map.of(
        "akka.management.http.hostname", host,
        "akka.management.http.port", port));
  }
}
