package io.sluice.orchestrator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Akka Management on a node as {@link ClusterNode} starts it: {@code /ready} answers not ready while the node is not an
 * Up member and while Sluice is not ready, 200 only when both hold; and two nodes form one cluster by Cluster Bootstrap
 * with {@code config} discovery of each other's management endpoints.
 */
class ManagementAndBootstrapTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Akka Management 1.1.4 answers a failed check with 500 (its later versions with 503). */
  private static final int NOT_READY = 500;

  private static int get(URI base, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static URI startManagement(TestNode node) throws Exception {
    return ClusterNode.startManagement(node.system, node.settings.management()).toCompletableFuture()
        .get(30, TimeUnit.SECONDS).orElseThrow();
  }

  @Test
  void readyAnswers200OnlyOnceTheNodeIsUpAndSluiceIsReady() throws Exception {
    int managementPort = TestNode.freePorts(1).get(0);
    try (TestNode node = TestNode.create("sluice.cluster.port = 0,"
        + " sluice.management { enabled = on, port = " + managementPort + " }")) {
      URI management = startManagement(node);
      assertEquals(managementPort, management.getPort());

      assertEquals(NOT_READY, get(management, "/ready"), "nothing registered, not a member");
      assertEquals(200, get(management, "/alive"));
      // Sluice says it is ready (as it does once it serves): the node is still no member.
      NodeReadiness.get(node.system).serviceReadiness(() -> CompletableFuture.completedFuture(true));
      assertEquals(NOT_READY, get(management, "/ready"), "ready before the node is a member");

      node.awaitUp();
      assertEquals(200, get(management, "/ready"));
      assertEquals(200, get(management, "/cluster/members"));
      // Up, but Sluice not ready (a pool supervisor that does not answer, say).
      NodeReadiness.get(node.system).serviceReadiness(() -> CompletableFuture.completedFuture(false));
      assertEquals(NOT_READY, get(management, "/ready"));
    }
  }

  @Test
  void twoNodesFormOneClusterByBootstrapWithConfigDiscovery() throws Exception {
    List<Integer> managementPorts = TestNode.freePorts(2);
    String bootstrap = "sluice.cluster { port = 0, join-timeout = 40s, bootstrap { enabled = on,"
        + " required-contact-point-nr = 2, contact-points = [\"127.0.0.1:" + managementPorts.get(0) + "\","
        + " \"127.0.0.1:" + managementPorts.get(1) + "\"] } },"
        // Akka's own pacing of the discovery, shortened for the test: the decision still waits for both contact points.
        + " akka.management.cluster.bootstrap { contact-point-discovery { stable-margin = 1s, interval = 500ms },"
        + " contact-point.probe-interval = 500ms }";
    try (TestNode first = TestNode.create(bootstrap + ", sluice.management { enabled = on, port = "
            + managementPorts.get(0) + " }");
        TestNode second = TestNode.create(bootstrap + ", sluice.management { enabled = on, port = "
            + managementPorts.get(1) + " }")) {
      startManagement(first);
      startManagement(second);
      CompletableFuture<?> firstUp = ClusterNode.join(first.system, first.settings.cluster()).toCompletableFuture();
      CompletableFuture<?> secondUp = ClusterNode.join(second.system, second.settings.cluster()).toCompletableFuture();
      firstUp.get(40, TimeUnit.SECONDS);
      secondUp.get(40, TimeUnit.SECONDS);
      assertTrue(TestNode.within(Duration.ofSeconds(20), () -> first.seesAllUp(first, second)
          && second.seesAllUp(first, second)), "first sees " + first.members() + ", second " + second.members());
    }
  }
}
