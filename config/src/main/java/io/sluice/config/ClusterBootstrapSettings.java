package io.sluice.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Akka Cluster Bootstrap: instead of naming seed nodes, each node discovers the others' Akka Management endpoints
 * (its contact points), probes them, and either joins the cluster they already form or, when none has one and all
 * required contact points answer, the node with the lowest address forms it and the others join.
 *
 * @param enabled whether the node joins by Cluster Bootstrap (exclusive with seed nodes; needs Akka Management)
 * @param discoveryMethod where the contact points come from
 * @param serviceName the name looked up: the DNS name with {@code akka-dns}, the service's name with {@code config}
 * @param requiredContactPointNr how many contact points must be discovered before a cluster may be formed
 * @param contactPoints {@code config} discovery: every node's management {@code host:port}
 */
public record ClusterBootstrapSettings(boolean enabled, DiscoveryMethod discoveryMethod, String serviceName,
    int requiredContactPointNr, List<HostPort> contactPoints) {

  static final String KEY = "sluice.cluster.bootstrap.";

  /** Akka Discovery methods Sluice wires; each one's name is the Akka Discovery implementation's. */
  public enum DiscoveryMethod {
    /** The contact points listed in {@code sluice.cluster.bootstrap.contact-points}. */
    CONFIG,
    /** DNS A/AAAA records of {@code service-name}; each address's management port is this node's own. */
    AKKA_DNS;

    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  static ClusterBootstrapSettings read(SettingsReader reader) {
    ClusterBootstrapSettings bootstrap = new ClusterBootstrapSettings(
        reader.bool(KEY + "enabled"),
        reader.oneOf(KEY + "discovery-method", DiscoveryMethod.class, DiscoveryMethod.CONFIG),
        reader.nonBlank(KEY + "service-name"),
        reader.intAtLeast(KEY + "required-contact-point-nr", 1),
        reader.hostPorts(KEY + "contact-points"));
    if (bootstrap.enabled() && bootstrap.discoveryMethod() == DiscoveryMethod.CONFIG) {
      if (bootstrap.contactPoints().isEmpty()) {
        reader.fail(KEY + "contact-points", "is empty but discovery-method config needs every node's management"
            + " host:port", null);
      } else if (bootstrap.requiredContactPointNr() > bootstrap.contactPoints().size()) {
        reader.fail(KEY + "required-contact-point-nr", "is " + bootstrap.requiredContactPointNr() + " but "
            + KEY + "contact-points lists only " + bootstrap.contactPoints().size() + ": no cluster would ever form",
            null);
      }
    }
    return bootstrap;
  }

  /** The Akka keys these settings decide, when enabled (see {@link ClusterSettings#akkaConfig()}). */
  void addAkkaKeys(Map<String, Object> keys) {
    if (!enabled) {
      return;
    }
    String discovery = "akka.management.cluster.bootstrap.contact-point-discovery.";
    keys.put(discovery + "service-name", serviceName);
    keys.put(discovery + "discovery-method", discoveryMethod.configName());
    keys.put(discovery + "required-contact-point-nr", requiredContactPointNr);
    if (discoveryMethod == DiscoveryMethod.CONFIG) {
      List<Map<String, Object>> endpoints = new ArrayList<>();
      for (HostPort point : contactPoints) {
        endpoints.add(Map.of("host", point.host(), "port", point.port()));
      }
      keys.put(com.typesafe.config.ConfigUtil.joinPath("akka", "discovery", "config", "services", serviceName,
          "endpoints"), endpoints);
      // The listed ports are the nodes' own management ports, which may differ from this node's.
      keys.put("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port", false);
    }
  }
}
