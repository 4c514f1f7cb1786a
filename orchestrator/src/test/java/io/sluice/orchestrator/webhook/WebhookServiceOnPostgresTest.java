package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.complete;
import static io.sluice.orchestrator.webhook.EndpointClientTest.independentSignature;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.it.ServiceApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks through the running service ({@link Sluice#start}, in process) on the real PostgreSQL, delivering to a
 * receiver on loopback: once the events are delivered the webhook machinery rests ({@code /health} shows no entity,
 * no timer, nothing in flight) and, after the pools' idle timeout, no connection of the service is left open.
 */
class WebhookServiceOnPostgresTest {
  private static final String ADMIN_KEY = "webhook-service-test-admin-key-0123456789";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String DB_APP = "sluice-db-webhooks-" + RUN;
  private static final String JOURNAL_APP = "sluice-journal-webhooks-" + RUN;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  /** Beyond the idle timeout: the pools notice their idleness on their next check, and eviction takes a moment. */
  private static final Duration IDLE_MARGIN = Duration.ofSeconds(10);
  private static final int EVENTS = 5;

  private static ActorTestKit peers;
  private static WebhookReceiver receiver;
  private static Sluice sluice;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.retireLeftoverWork();
    peers = ActorTestKit.create("WebhookServicePeers", ConfigFactory.parseString("akka.actor.provider = local"));
    receiver = new WebhookReceiver(peers.system());
    sluice = Sluice.start(ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("sluice.database.url", TestDatabase.URL),
            Map.entry("sluice.database.user", TestDatabase.USER),
            Map.entry("sluice.database.password", TestDatabase.PASSWORD),
            Map.entry("sluice.pools.db.application-name", DB_APP),
            Map.entry("sluice.pools.db.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"),
            Map.entry("sluice.pools.journal.application-name", JOURNAL_APP),
            Map.entry("sluice.pools.journal.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"),
            Map.entry("sluice.http.port", "0"),
            Map.entry("sluice.http.admin-key", ADMIN_KEY),
            Map.entry("sluice.bootstrap.create-first-key", "false"),
            Map.entry("sluice.webhooks.allow-addresses", "127.0.0.0/8"),
            Map.entry("sluice.webhooks.jitter", "0")))
        .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sluice != null) {
      sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    receiver.close();
    peers.shutdownTestKit();
  }

  @Test
  void deliveredEventsLeaveTheWebhooksQuietAndNoBackendOpenAfterTheIdleTimeout() throws Exception {
    receiver.on("/hook", () -> complete(StatusCodes.OK));
    ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    String secret = api.send("POST", "/v1/webhooks/endpoints",
        Map.of("url", receiver.url("/hook"), "eventTypes", List.of("lead.hot")), 201).path("secret").asText();
    Set<String> published = new TreeSet<>();
    for (int n = 0; n < EVENTS; n++) {
      published.add(api.send("POST", "/v1/events", Map.of("eventType", "lead.hot", "payload", Map.of("lead", n)),
          202).path("messageId").asText());
    }

    await("every event delivered", Duration.ofSeconds(15), () -> receiver.count("/hook") >= EVENTS);
    for (WebhookReceiver.Received request : receiver.received()) {
      long timestamp = Long.parseLong(request.header("webhook-timestamp"));
      assertEquals(independentSignature(secret, request.header("webhook-id"), timestamp, request.body()),
          request.header("webhook-signature"));
    }
    assertEquals(published, new TreeSet<>(receiver.received().stream()
        .map(request -> request.header("webhook-id")).toList()));
    for (String messageId : published) {
      await(messageId + " recorded DELIVERED", Duration.ofSeconds(10), () -> {
        try {
          return "DELIVERED".equals(api.send("GET", "/v1/webhooks/messages/" + messageId, null, 200)
              .path("deliveries").get(0).path("state").asText());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }

    JsonNode quiet = json.readTree("{\"entities\":0,\"timers\":0,\"inFlight\":0,\"pending\":0}");
    await("/health shows the webhooks quiet", Duration.ofSeconds(10), () -> quiet.equals(health().path("webhooks")));

    await("no backend of the service left", IDLE_TIMEOUT.plus(IDLE_MARGIN), () -> backends() == 0);
    assertEquals(quiet, health().path("webhooks"), "still quiet: nothing woke meanwhile");
  }

  private JsonNode health() {
    try {
      URI uri = URI.create("http://127.0.0.1:" + sluice.httpAddress().getPort() + "/health");
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      return json.readTree(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The service's connections (both pools) in {@code pg_stat_activity}. */
  private static int backends() {
    try (Connection observer = TestDatabase.observer(); PreparedStatement count = observer.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name IN (?, ?)")) {
      count.setString(1, DB_APP);
      count.setString(2, JOURNAL_APP);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
