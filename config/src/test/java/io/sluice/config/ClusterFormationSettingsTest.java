package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ClusterBootstrapSettings.DiscoveryMethod;
import io.sluice.config.DowningSettings.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * How a node joins a cluster of several (seed nodes or Cluster Bootstrap), how unreachable members are downed (Split
 * Brain Resolver, failure detector) and Akka Management: defaults, environment overrides, the Akka keys they become,
 * and every invalid value refused naming its key.
 */
class ClusterFormationSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  /** reference.conf with {@code environment} as root keys: exercises the {@code ${?SLUICE_...}} lines themselves. */
  private static Config withEnvironment(Map<String, String> environment) {
    return ConfigFactory.parseMap(environment).withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
  }

  private static SettingsException refused(String overrides) {
    return assertThrows(SettingsException.class, () -> SluiceSettings.from(with(overrides)));
  }

  private static void assertProblem(SettingsException refused, String problem) {
    assertTrue(refused.problems().contains(problem), "expected <" + problem + "> in " + refused.problems());
  }

  @Test
  void defaultsJoinItselfWithAkkasDowningAndNoManagement() {
    SluiceSettings settings = SluiceSettings.from(with(""));
    ClusterSettings cluster = settings.cluster();
    assertEquals(List.of(), cluster.seedNodes());
    assertTrue(cluster.joinsItself());
    assertEquals(Duration.ofSeconds(60), cluster.joinTimeout());
    assertEquals(new DowningSettings(Strategy.KEEP_MAJORITY, Duration.ofSeconds(20), OptionalInt.empty(), true,
        Duration.ofSeconds(3)), cluster.downing());
    assertEquals(new ClusterBootstrapSettings(false, DiscoveryMethod.CONFIG, "sluice", 2, List.of()),
        cluster.bootstrap());
    assertEquals(new ManagementSettings(false, "127.0.0.1", 8558), settings.management());
  }

  @Test
  void seedNodesAreAListOfHostPortPairs() {
    ClusterSettings cluster = SluiceSettings.from(with(
        "sluice.cluster.seed-nodes = [\"10.0.0.1:25520\", \"node-b.internal:2552\", \"[fd00::7]:25520\"],"
            + " sluice.cluster.join-timeout = 15s")).cluster();
    assertEquals(List.of(new HostPort("10.0.0.1", 25520), new HostPort("node-b.internal", 2552),
        new HostPort("fd00::7", 25520)), cluster.seedNodes());
    assertEquals("[fd00::7]:25520", cluster.seedNodes().get(2).toString());
    assertFalse(cluster.joinsItself());
    assertEquals(Duration.ofSeconds(15), cluster.joinTimeout());
  }

  @Test
  void everyClusterKeyHasItsEnvironmentOverride() {
    SluiceSettings settings = SluiceSettings.from(withEnvironment(Map.ofEntries(
        Map.entry("SLUICE_CLUSTER_SEED_NODES", "10.0.0.1:25520, 10.0.0.2:25520"),
        Map.entry("SLUICE_CLUSTER_JOIN_TIMEOUT", "90s"),
        Map.entry("SLUICE_CLUSTER_ACCEPTABLE_HEARTBEAT_PAUSE", "6s"),
        Map.entry("SLUICE_CLUSTER_SBR_ACTIVE_STRATEGY", "static-quorum"),
        Map.entry("SLUICE_CLUSTER_SBR_STABLE_AFTER", "7s"),
        Map.entry("SLUICE_CLUSTER_SBR_QUORUM_SIZE", "2"),
        Map.entry("SLUICE_CLUSTER_SBR_DOWN_IF_ALONE", "off"),
        Map.entry("SLUICE_MANAGEMENT_ENABLED", "true"),
        Map.entry("SLUICE_MANAGEMENT_HOST", "10.0.0.1"),
        Map.entry("SLUICE_MANAGEMENT_PORT", "8600"))));
    ClusterSettings cluster = settings.cluster();
    assertEquals(List.of(new HostPort("10.0.0.1", 25520), new HostPort("10.0.0.2", 25520)), cluster.seedNodes());
    assertEquals(Duration.ofSeconds(90), cluster.joinTimeout());
    assertEquals(new DowningSettings(Strategy.STATIC_QUORUM, Duration.ofSeconds(7), OptionalInt.of(2), false,
        Duration.ofSeconds(6)), cluster.downing());
    assertEquals(new ManagementSettings(true, "10.0.0.1", 8600), settings.management());
  }

  @Test
  void everyBootstrapKeyHasItsEnvironmentOverride() {
    ClusterBootstrapSettings bootstrap = SluiceSettings.from(withEnvironment(Map.of(
        "SLUICE_MANAGEMENT_ENABLED", "true",
        "SLUICE_CLUSTER_BOOTSTRAP_ENABLED", "true",
        "SLUICE_CLUSTER_BOOTSTRAP_DISCOVERY_METHOD", "akka-dns",
        "SLUICE_CLUSTER_BOOTSTRAP_SERVICE_NAME", "sluice.default.svc.cluster.local",
        "SLUICE_CLUSTER_BOOTSTRAP_REQUIRED_CONTACT_POINT_NR", "3",
        "SLUICE_CLUSTER_BOOTSTRAP_CONTACT_POINTS", "10.0.0.1:8558,10.0.0.2:8558"))).cluster().bootstrap();
    assertEquals(new ClusterBootstrapSettings(true, DiscoveryMethod.AKKA_DNS, "sluice.default.svc.cluster.local", 3,
        List.of(new HostPort("10.0.0.1", 8558), new HostPort("10.0.0.2", 8558))), bootstrap);
  }

  @Test
  void theResolverSettingsBecomeAkkasKeys() {
    Config akka = SluiceSettings.from(with("sluice.cluster { split-brain-resolver { active-strategy = keep-oldest,"
        + " stable-after = 9s, keep-oldest.down-if-alone = off, static-quorum.quorum-size = 3 },"
        + " failure-detector.acceptable-heartbeat-pause = 4500ms }")).cluster().akkaConfig();
    assertEquals("keep-oldest", akka.getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertEquals(Duration.ofSeconds(9), akka.getDuration("akka.cluster.split-brain-resolver.stable-after"));
    assertFalse(akka.getBoolean("akka.cluster.split-brain-resolver.keep-oldest.down-if-alone"));
    assertEquals(3, akka.getInt("akka.cluster.split-brain-resolver.static-quorum.quorum-size"));
    assertEquals(Duration.ofMillis(4500), akka.getDuration("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
    for (String strategy : List.of("keep-majority", "static-quorum", "down-all")) {
      assertEquals(strategy, SluiceSettings.from(with("sluice.cluster.split-brain-resolver { active-strategy = "
              + strategy + ", static-quorum.quorum-size = 2 }")).cluster().akkaConfig()
          .getString("akka.cluster.split-brain-resolver.active-strategy"));
    }
  }

  @Test
  void configDiscoveryBecomesAkkaDiscoveryEndpoints() {
    SluiceSettings settings = SluiceSettings.from(with("sluice.management { enabled = on, port = 8601 },"
        + " sluice.cluster.bootstrap { enabled = on, service-name = \"sluice.prod\", required-contact-point-nr = 2,"
        + " contact-points = [\"10.0.0.1:8601\", \"10.0.0.2:8602\"] }"));
    Config akka = settings.cluster().akkaConfig();
    String discovery = "akka.management.cluster.bootstrap.contact-point-discovery.";
    assertEquals("sluice.prod", akka.getString(discovery + "service-name"));
    assertEquals("config", akka.getString(discovery + "discovery-method"));
    assertEquals(2, akka.getInt(discovery + "required-contact-point-nr"));
    List<? extends Config> endpoints = akka.getConfigList("akka.discovery.config.services.\"sluice.prod\".endpoints");
    assertEquals(2, endpoints.size());
    assertEquals("10.0.0.2", endpoints.get(1).getString("host"));
    assertEquals(8602, endpoints.get(1).getInt("port"));
    assertFalse(akka.getBoolean("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
    Config management = settings.management().akkaConfig();
    assertEquals("127.0.0.1", management.getString("akka.management.http.hostname"));
    assertEquals(8601, management.getInt("akka.management.http.port"));
  }

  @Test
  void dnsDiscoveryListsNoEndpoints() {
    Config akka = SluiceSettings.from(with("sluice.management.enabled = on, sluice.cluster.bootstrap { enabled = on,"
        + " discovery-method = akka-dns, service-name = \"sluice.default.svc.cluster.local\" }")).cluster()
        .akkaConfig();
    assertEquals("akka-dns",
        akka.getString("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
    assertFalse(akka.hasPath("akka.discovery.config"));
  }

  @Test
  void malformedSeedNodesAreRefusedNamingTheKeyAndTheEntry() {
    SettingsException e = refused("sluice.cluster.seed-nodes = [\"10.0.0.1\", \"10.0.0.2:0\", \"host:port\","
        + " \"fd00::7:25520\", \"ok:25520\"]");
    assertEquals(4, e.problems().size(), e.getMessage());
    String rule = "' but each entry must be host:port with a port from 1 to 65535 ([host]:port for IPv6)";
    for (String entry : List.of("10.0.0.1", "10.0.0.2:0", "host:port", "fd00::7:25520")) {
      assertProblem(e, "sluice.cluster.seed-nodes has '" + entry + rule);
    }
    assertTrue(refused("sluice.cluster.seed-nodes = { a = 1 }").problems().get(0)
        .startsWith("sluice.cluster.seed-nodes is invalid: "));
  }

  @Test
  void invalidTimingsAndStrategiesAreRefusedNamingTheKey() {
    SettingsException e = refused("sluice.cluster { join-timeout = 0s, failure-detector.acceptable-heartbeat-pause ="
        + " -1s, split-brain-resolver { active-strategy = lease-majority, stable-after = 0s,"
        + " keep-oldest.down-if-alone = maybe } }");
    assertEquals(5, e.problems().size(), e.getMessage());
    assertProblem(e, "sluice.cluster.join-timeout is PT0S but must be a positive duration");
    assertProblem(e, "sluice.cluster.failure-detector.acceptable-heartbeat-pause is PT-1S but must be a positive"
        + " duration");
    assertProblem(e, "sluice.cluster.split-brain-resolver.active-strategy is 'lease-majority' but must be one of"
        + " [keep-majority, static-quorum, keep-oldest, down-all]");
    assertProblem(e, "sluice.cluster.split-brain-resolver.stable-after is PT0S but must be a positive duration");
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(
        "sluice.cluster.split-brain-resolver.keep-oldest.down-if-alone is invalid")), e.getMessage());
  }

  @Test
  void staticQuorumNeedsAQuorumSizeOfAtLeastOne() {
    assertProblem(refused("sluice.cluster.split-brain-resolver.active-strategy = static-quorum"),
        "sluice.cluster.split-brain-resolver.static-quorum.quorum-size is missing but active-strategy static-quorum"
            + " needs it: the least number of members a part must keep to go on (more than half of the cluster's"
            + " size)");
    assertProblem(refused("sluice.cluster.split-brain-resolver { active-strategy = static-quorum,"
            + " static-quorum.quorum-size = 0 }"),
        "sluice.cluster.split-brain-resolver.static-quorum.quorum-size is 0 but must be at least 1");
  }

  @Test
  void invalidManagementValuesAreRefusedNamingTheKey() {
    SettingsException e = refused("sluice.management { enabled = yes-please, host = \"\", port = 70000 }");
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("sluice.management.enabled is invalid")),
        e.getMessage());
    assertProblem(e, "sluice.management.host must not be empty");
    assertProblem(e, "sluice.management.port is 70000 but must be at most 65535");
    assertProblem(refused("sluice.management.port = -1"), "sluice.management.port is -1 but must be at least 0");
  }

  @Test
  void bootstrapNeedsManagementNamingBothKeys() {
    assertProblem(refused("sluice.cluster.bootstrap { enabled = on, contact-points = [\"10.0.0.1:8558\"],"
            + " required-contact-point-nr = 1 }"),
        "sluice.cluster.bootstrap.enabled is on but sluice.management.enabled is off: Cluster Bootstrap finds and"
            + " probes the other nodes through their Akka Management endpoints");
    assertProblem(refused("sluice.management { enabled = on, port = 0 }, sluice.cluster.bootstrap { enabled = on,"
            + " contact-points = [\"10.0.0.1:8558\"], required-contact-point-nr = 1 }"),
        "sluice.management.port is 0 but Cluster Bootstrap (sluice.cluster.bootstrap.enabled) needs a fixed port:"
            + " the other nodes' contact points name it");
  }

  @Test
  void seedNodesAndBootstrapAreExclusive() {
    SettingsException e = refused("sluice.management.enabled = on, sluice.cluster.seed-nodes = [\"10.0.0.1:25520\"],"
        + " sluice.cluster.bootstrap { enabled = on, contact-points = [\"10.0.0.1:8558\", \"10.0.0.2:8558\"] }");
    assertEquals(List.of("sluice.cluster.seed-nodes and sluice.cluster.bootstrap.enabled are exclusive: a node joins"
        + " either through seed nodes or by Cluster Bootstrap; empty the seed nodes or switch bootstrap off"),
        e.problems());
  }

  @Test
  void invalidBootstrapValuesAreRefusedNamingTheKey() {
    SettingsException e = refused("sluice.management.enabled = on, sluice.cluster.bootstrap { enabled = on,"
        + " discovery-method = kubernetes-api, service-name = \"\", required-contact-point-nr = 0,"
        + " contact-points = [\"nowhere\"] }");
    assertProblem(e, "sluice.cluster.bootstrap.discovery-method is 'kubernetes-api' but must be one of [config,"
        + " akka-dns]");
    assertProblem(e, "sluice.cluster.bootstrap.service-name must not be empty");
    assertProblem(e, "sluice.cluster.bootstrap.required-contact-point-nr is 0 but must be at least 1");
    assertProblem(e, "sluice.cluster.bootstrap.contact-points has 'nowhere' but each entry must be host:port with a"
        + " port from 1 to 65535 ([host]:port for IPv6)");
  }

  @Test
  void configDiscoveryNeedsEnoughContactPoints() {
    assertProblem(refused("sluice.management.enabled = on, sluice.cluster.bootstrap.enabled = on"),
        "sluice.cluster.bootstrap.contact-points is empty but discovery-method config needs every node's"
            + " management host:port");
    assertProblem(refused("sluice.management.enabled = on, sluice.cluster.bootstrap { enabled = on,"
            + " required-contact-point-nr = 3, contact-points = [\"10.0.0.1:8558\", \"10.0.0.2:8558\"] }"),
        "sluice.cluster.bootstrap.required-contact-point-nr is 3 but sluice.cluster.bootstrap.contact-points lists"
            + " only 2: no cluster would ever form");
  }
}
