package io.sluice.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SluiceSettings;
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
import java.util.concurrent.TimeUnit;
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
    HttpApi api = new HttpApi(testKit.system(), settings, "test-instance", List.of(supervisor), STATS_TIMEOUT);
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(api.routes())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
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
