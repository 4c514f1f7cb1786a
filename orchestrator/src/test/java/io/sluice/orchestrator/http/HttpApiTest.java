package io.sluice.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.cluster.ClusterView;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.RejectReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's error answers through a real HTTP server on a free port: JSON bodies with status, error and path, never
 * Akka HTTP's plain-text defaults. The supervisors are stand-ins, so no database is needed.
 */
class HttpApiTest {
  private static final Duration STATS_TIMEOUT = Duration.ofMillis(300);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ActorTestKit testKit;
  private static SluiceSettings settings;
  private ServerBinding binding;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("HttpApiTest");
    settings = SluiceSettings.from(ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void unbind() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Serves the API over {@code supervisor} and answers the GET of {@code path}. */
  private HttpResponse<String> get(ActorRef<PermitCommand> supervisor, String path) throws Exception {
    return get(testKit, supervisor, api -> api, path);
  }

  /** Serves the API of {@code kit}'s system over {@code supervisor}, as {@code wired}, and answers the GET. */
  private HttpResponse<String> get(ActorTestKit kit, ActorRef<PermitCommand> supervisor,
      Function<HttpApi, HttpApi> wired, String path) throws Exception {
    if (binding == null) {
      HttpApi api = wired.apply(new HttpApi(kit.system(), settings, "test-instance", List.of(supervisor),
          STATS_TIMEOUT));
      binding = Http.get(kit.system()).newServerAt("127.0.0.1", 0).bind(api.routes())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A supervisor stand-in that answers every stats request with an idle pool. */
  private static ActorRef<PermitCommand> answering(ActorTestKit kit, String name) {
    PoolStats idle = new PoolStats("db", 2, 0, 0, 0, 0, new PoolStats.Physical(4, 0, 0, 0),
        new PoolStats.Counters(0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), new PoolStats.Percentiles(0, 0, 0, 0, 0),
        new PoolStats.Percentiles(0, 0, 0, 0, 0), List.of(), List.of(), List.of(), true);
    return kit.spawn(Behaviors.<PermitCommand>receiveMessage(command -> {
      if (command instanceof GetPoolStats ask) {
        ask.replyTo().tell(idle);
      }
      return Behaviors.same();
    }), name);
  }

  @Test
  void inAClusterReadyWaitsUntilThisNodeIsAnUpMemberAndHealthShowsTheCluster() throws Exception {
    ActorTestKit node = ActorTestKit.create("HttpApiClusterTest", ConfigFactory.parseString(
        "akka.actor.provider = cluster, akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = 0 },"
            + " akka.cluster.jmx.multi-mbeans-in-same-jvm = on"));
    try {
      ActorRef<PermitCommand> supervisor = answering(node, "pool-answering");
      Function<HttpApi, HttpApi> clustered = api -> api.withCluster(() -> ClusterView.of(node.system()));

      HttpResponse<String> notJoined = get(node, supervisor, clustered, "/health/ready");
      assertEquals(503, notJoined.statusCode(), notJoined.body());
      JsonNode health = jsonBody(notJoined);
      assertFalse(health.get("ready").asBoolean());
      assertEquals("this node is not an Up member of its cluster: its status is Removed",
          health.get("problem").asText());
      assertEquals(0, health.get("cluster").get("members").size());

      Cluster cluster = Cluster.get(node.system());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      String self = cluster.selfMember().address().toString();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      HttpResponse<String> joined = get(node, supervisor, clustered, "/health/ready");
      while (joined.statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        joined = get(node, supervisor, clustered, "/health/ready");
      }
      assertEquals(200, joined.statusCode(), joined.body());
      JsonNode view = jsonBody(get(node, supervisor, clustered, "/health")).get("cluster");
      assertEquals(self, view.get("self").asText());
      assertEquals("Up", view.get("status").asText());
      assertEquals(1, view.get("members").size());
      assertEquals(self, view.get("members").get(0).get("address").asText());
      assertEquals("Up", view.get("members").get(0).get("status").asText());
      assertEquals(0, view.get("unreachable").size());
      assertEquals(self, view.get("leader").asText());
      assertEquals(self, view.get("oldest").asText());
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
      binding = null;
      node.shutdownTestKit();
    }
  }

  @Test
  void outsideAClusterHealthHasNoClusterSection() throws Exception {
    HttpResponse<String> response = get(answering(testKit, "pool-answering-local"), "/health");
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(jsonBody(response).get("cluster").isNull(), response.body());
  }

  private static JsonNode jsonBody(HttpResponse<String> response) throws Exception {
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        response.headers().toString());
    return JSON.readTree(response.body());
  }

  @Test
  void poolsAnswers503NamingTheSupervisorThatDidNotAnswer() throws Exception {
    ActorRef<PermitCommand> silent = testKit.spawn(Behaviors.ignore(), "pool-silent");
    HttpResponse<String> response = get(silent, "/v1/pools");
    assertEquals(503, response.statusCode(), response.body());
    JsonNode body = jsonBody(response);
    assertEquals(503, body.get("status").asInt());
    assertEquals("pool supervisor pool-silent did not answer within 300 ms", body.get("error").asText());
    assertEquals("/v1/pools", body.get("path").asText());
  }

  @Test
  void healthIsDownNamingTheSupervisorThatDidNotAnswer() throws Exception {
    ActorRef<PermitCommand> silent = testKit.spawn(Behaviors.ignore(), "pool-silent-health");
    HttpResponse<String> response = get(silent, "/health");
    assertEquals(503, response.statusCode(), response.body());
    JsonNode health = jsonBody(response);
    assertEquals("DOWN", health.get("status").asText());
    assertFalse(health.get("ready").asBoolean());
    assertEquals("pool supervisor pool-silent-health did not answer within 300 ms", health.get("problem").asText());
  }

  @Test
  void anActorThatDidNotAnswerInTimeAnswers503WithAJsonBody() throws Exception {
    ActorRef<PermitCommand> supervisor = answering(testKit, "pool-answering-budget");
    HttpResponse<String> response = get(testKit, supervisor, api -> api.withClusterBudget(() ->
        CompletableFuture.failedFuture(new akka.pattern.AskTimeoutException("Ask timed out on [EntityRef(x)]"))),
        "/v1/pools");
    assertEquals(503, response.statusCode(), response.body());
    JsonNode body = jsonBody(response);
    assertEquals(503, body.get("status").asInt());
    assertTrue(body.get("error").asText().contains("retry the request"), body.toString());
    assertEquals("/v1/pools", body.get("path").asText());
  }

  @Test
  void anUnexpectedFailureAnswers500WithAJsonBody() throws Exception {
    // JSON has no null object key: marshalling these stats fails inside the route.
    Map<RejectReason, Long> rejected = new HashMap<>();
    rejected.put(null, 1L);
    PoolStats unwritable = new PoolStats("db", 1, 0, 0, 0, 0, new PoolStats.Physical(1, 0, 0, 0),
        new PoolStats.Counters(0, rejected, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), new PoolStats.Percentiles(0, 0, 0, 0, 0),
        new PoolStats.Percentiles(0, 0, 0, 0, 0), List.of(), List.of(), List.of(), true);
    ActorRef<PermitCommand> supervisor = testKit.spawn(Behaviors.<PermitCommand>receiveMessage(command -> {
      if (command instanceof GetPoolStats ask) {
        ask.replyTo().tell(unwritable);
      }
      return Behaviors.same();
    }), "pool-unwritable");
    HttpResponse<String> response = get(supervisor, "/v1/pools");
    assertEquals(500, response.statusCode(), response.body());
    JsonNode body = jsonBody(response);
    assertEquals(500, body.get("status").asInt());
    assertEquals("internal error", body.get("error").asText());
    assertEquals("/v1/pools", body.get("path").asText());
  }
}
