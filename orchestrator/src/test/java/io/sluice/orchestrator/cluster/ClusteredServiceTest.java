package io.sluice.orchestrator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorNotFound;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.persistence.Migrations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two whole services in one JVM against the real PostgreSQL form one cluster, the second joining through the first as
 * its seed: both are ready (Sluice's {@code /health/ready} and Akka Management's {@code /ready}), each one's
 * {@code /health} shows two Up members, the schedules' scheduler (a Cluster Singleton) runs on exactly one of them,
 * and when that one stops the other stays ready and takes the scheduler over. A service that reaches no seed fails to
 * start after {@code sluice.cluster.join-timeout}, naming the seeds, and leaves no connection open.
 */
class ClusteredServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration CONVERGED = Duration.ofSeconds(30);
  /** Where Akka's typed Cluster Singleton puts the schedules' scheduler ({@code SingletonActor} "scheduler"). */
  private static final String SCHEDULER = "/system/singletonManagerscheduler/scheduler";

  /** One service's configuration: its own pools' application name, its cluster port and seeds, its management port. */
  static Config config(String applicationName, int clusterPort, List<Integer> seedPorts, int managementPort) {
    List<String> seeds = new ArrayList<>();
    for (int port : seedPorts) {
      seeds.add("127.0.0.1:" + port);
    }
    return ConfigFactory.parseMap(Map.of(
            "sluice.cluster.port", clusterPort,
            "sluice.cluster.seed-nodes", seeds,
            "sluice.cluster.join-timeout", "30s",
            "sluice.management.enabled", true,
            "sluice.management.port", managementPort))
        .withFallback(ConfigFactory.parseMap(Map.of(
            "sluice.database.url", TestDatabase.URL,
            "sluice.database.user", TestDatabase.USER,
            "sluice.database.password", TestDatabase.PASSWORD,
            "sluice.pools.db.application-name", applicationName,
            "sluice.pools.journal.application-name", applicationName + "-journal",
            "sluice.pools.db.max-size", 4,
            "sluice.pools.db.limit", 4,
            "sluice.http.port", 0)))
        .withFallback(ConfigFactory.load());
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode health(Sluice service) throws Exception {
    return JSON.readTree(get(service.httpAddress().getPort(), "/health").body());
  }

  /** Whether {@code service}'s {@code /health} is ready and shows exactly {@code count} members, all Up. */
  private static boolean readyWithUpMembers(Sluice service, int count) throws Exception {
    JsonNode health = health(service);
    JsonNode members = health.get("cluster").get("members");
    if (!health.get("ready").asBoolean() || members.size() != count) {
      return false;
    }
    for (JsonNode member : members) {
      if (!"Up".equals(member.get("status").asText())) {
        return false;
      }
    }
    return true;
  }

  private static boolean hostsScheduler(Sluice service) throws Exception {
    try {
      service.system().classicSystem().actorSelection(SCHEDULER).resolveOne(Duration.ofSeconds(3))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof ActorNotFound) {
        return false;
      }
      throw e;
    }
  }

  @Test
  void twoServicesFormOneClusterWithOneSchedulerAndTheSurvivorStaysReady() throws Exception {
    String name = "sluice-two-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> ports = TestNode.freePorts(4);
    // Every node lists the same seeds, the first one too: a node alone (no seeds) keeps the connection budget to
    // itself, and refuses a node that would share it.
    Config firstConfig = config(name + "-a", ports.get(0), List.of(ports.get(0)), ports.get(2));
    // Work earlier tests left in the database would otherwise resume here and hold permits.
    Migrations.run(SluiceSettings.from(firstConfig).database());
    TestDatabase.retireLeftoverWork();
    Sluice first = Sluice.start(firstConfig);
    Sluice second = null;
    try {
      second = Sluice.start(config(name + "-b", ports.get(1), List.of(ports.get(0)), ports.get(3)));
      Sluice joined = second;

      assertTrue(TestNode.within(CONVERGED, () -> readyWithUpMembers(first, 2) && readyWithUpMembers(joined, 2)),
          "first: " + health(first).get("cluster") + "; second: " + health(second).get("cluster"));
      assertEquals(200, get(first.httpAddress().getPort(), "/health/ready").statusCode());
      assertEquals(200, get(second.httpAddress().getPort(), "/health/ready").statusCode());
      assertEquals(200, get(ports.get(2), "/ready").statusCode());
      assertEquals(200, get(ports.get(3), "/ready").statusCode());
      JsonNode view = health(second).get("cluster");
      String firstAddress = health(first).get("cluster").get("self").asText();
      assertEquals(firstAddress, view.get("oldest").asText(), view.toString());
      assertNotEquals(firstAddress, view.get("self").asText());

      // One scheduler in the cluster, on the oldest member.
      assertTrue(hostsScheduler(first), "the scheduler is not on the oldest member");
      assertTrue(!hostsScheduler(second), "a second scheduler runs on the newer member");

      first.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertTrue(TestNode.within(CONVERGED, () -> readyWithUpMembers(joined, 1) && hostsScheduler(joined)),
          "after the first stopped: " + health(second) + ", scheduler here: " + hostsScheduler(second));
      assertEquals(200, get(second.httpAddress().getPort(), "/health/ready").statusCode());
      assertEquals(200, get(ports.get(3), "/ready").statusCode());
    } finally {
      first.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (second != null) {
        second.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aServiceThatReachesNoSeedFailsToStartNamingTheSeedsAndClosesItsPools() throws Exception {
    String name = "sluice-lonely-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> ports = TestNode.freePorts(3);
    Config config = ConfigFactory.parseMap(Map.of("sluice.cluster.join-timeout", "3s"))
        .withFallback(config(name, ports.get(0), List.of(ports.get(1)), ports.get(2)));
    ClusterJoinException refused = assertThrows(ClusterJoinException.class, () -> Sluice.start(config));
    assertTrue(refused.getMessage().contains("within sluice.cluster.join-timeout (3 s) through the seed nodes"
        + " [127.0.0.1:" + ports.get(1) + "] (sluice.cluster.seed-nodes)"), refused.getMessage());
    try (Connection observer = TestDatabase.observer(); PreparedStatement count = observer.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name IN (?, ?)")) {
      count.setString(1, name);
      count.setString(2, name + "-journal");
      try (ResultSet row = count.executeQuery()) {
        row.next();
        assertEquals(0, row.getInt(1), "connections left open by the failed start");
      }
    }
    // Its management endpoint is gone with it.
    assertThrows(java.net.ConnectException.class, () -> get(ports.get(2), "/ready"));
  }
}
