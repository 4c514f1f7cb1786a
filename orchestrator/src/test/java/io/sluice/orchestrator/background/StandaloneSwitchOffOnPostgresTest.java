package io.sluice.orchestrator.background;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.it.ServiceApi;
import io.sluice.orchestrator.webhook.WebhookReceiver;
import io.sluice.persistence.Migrations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode with one background service switched off ({@code sluice.background.webhook-retry.enabled = false}),
 * on the real PostgreSQL: a failed delivery gets no retry timer and is not retried, its due time waits in the
 * database; {@code /health} shows the service disabled with 0 timers (the others enabled); and the tick, even with the
 * right token, answers 409 — standalone services keep their own timers — and runs nothing.
 */
class StandaloneSwitchOffOnPostgresTest {
  private static final String ADMIN_KEY = "switch-off-test-admin-key-0123456789abcdef";
  private static final String TICK_TOKEN = "switch-off-tick-token-" + UUID.randomUUID();
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  @TempDir
  static Path data;
  private static ActorTestKit peers;
  private static WebhookReceiver receiver;
  private static Sluice sluice;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    peers = ActorTestKit.create("SwitchOffPeers", ConfigFactory.parseString("akka.actor.provider = local"));
    receiver = new WebhookReceiver(peers.system());
    receiver.on("/hook", () -> complete(StatusCodes.SERVICE_UNAVAILABLE));
    Config config = ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("sluice.mode", "standalone"),
            Map.entry("sluice.serverless.tick-token", TICK_TOKEN),
            Map.entry("sluice.background.webhook-retry.enabled", "false"),
            Map.entry("sluice.database.url", TestDatabase.URL),
            Map.entry("sluice.database.user", TestDatabase.USER),
            Map.entry("sluice.database.password", TestDatabase.PASSWORD),
            Map.entry("sluice.http.port", "0"),
            Map.entry("sluice.cluster.port", "0"),
            Map.entry("sluice.http.admin-key", ADMIN_KEY),
            Map.entry("sluice.bootstrap.create-first-key", "false"),
            Map.entry("sluice.email.spool-dir", data.resolve("spool").toString()),
            Map.entry("sluice.email.outbox-dir", data.resolve("outbox").toString()),
            Map.entry("sluice.webhooks.allow-addresses", "127.0.0.0/8"),
            Map.entry("sluice.webhooks.jitter", "0"),
            Map.entry("sluice.webhooks.retry-schedule", List.of("0s", RETRY_DELAY.toSeconds() + "s", "1h"))))
        .withFallback(ConfigFactory.load());
    Migrations.run(SluiceSettings.from(config).database());
    TestDatabase.retireLeftoverWork();
    sluice = Sluice.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sluice != null) {
      sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
    if (peers != null) {
      peers.shutdownTestKit();
    }
  }

  @Test
  void aSwitchedOffRetryArmsNoTimerAndTheTickIsRefusedInStandaloneMode() throws Exception {
    ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    String endpointId = api.send("POST", "/v1/webhooks/endpoints",
        Map.of("url", receiver.url("/hook"), "eventTypes", List.of("lead.hot")), 201).path("id").asText();
    Instant published = Instant.now();
    api.send("POST", "/v1/events", Map.of("eventType", "lead.hot", "payload", Map.of("lead", 1)), 202);

    awaitTrue("the first attempt reached the receiver", () -> receiver.count("/hook") >= 1);
    awaitTrue("the failure recorded with its retry time", () -> nextAttemptAt(endpointId) != null
        && nextAttemptAt(endpointId).isAfter(published));
    Instant retryDue = nextAttemptAt(endpointId);

    JsonNode background = health().path("background");
    JsonNode retries = service(background, "webhook-retry");
    assertFalse(retries.path("enabled").asBoolean(), background.toString());
    assertEquals(0, retries.path("timers").asInt(), background.toString());
    assertTrue(service(background, "campaign-scheduler").path("enabled").asBoolean(), background.toString());
    assertTrue(service(background, "schedules").path("enabled").asBoolean(), background.toString());

    // Well past the retry's due time: no attempt, no timer, the delivery still owed in the database.
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), retryDue).toMillis()) + 3 * RETRY_DELAY.toMillis());
    assertEquals(1, receiver.count("/hook"), "a switched-off retry was attempted");
    assertEquals(0, service(health().path("background"), "webhook-retry").path("timers").asInt());
    assertEquals(retryDue, nextAttemptAt(endpointId));

    HttpResponse<String> withToken = tick(TICK_TOKEN);
    assertEquals(409, withToken.statusCode(), withToken.body());
    assertEquals("/v1/tick", json.readTree(withToken.body()).path("path").asText());
    assertEquals(401, tick(null).statusCode());
    assertEquals(401, tick("not-the-token-but-long-enough").statusCode());
    Thread.sleep(RETRY_DELAY.toMillis());
    assertEquals(1, receiver.count("/hook"), "a refused tick ran the retry");
    assertTrue(service(health().path("background"), "webhook-retry").path("lastRun").isNull(),
        "a refused tick is not a run");
  }

  private static Instant nextAttemptAt(String endpointId) {
    try (Connection observer = TestDatabase.observer(); PreparedStatement select = observer.prepareStatement(
        "SELECT next_attempt_at FROM webhook_delivery WHERE endpoint_id = ? AND state = 'PENDING'")) {
      select.setString(1, endpointId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return null;
        }
        java.time.OffsetDateTime at = row.getObject(1, java.time.OffsetDateTime.class);
        return at == null ? null : at.toInstant();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode service(JsonNode background, String name) {
    for (JsonNode service : background) {
      if (name.equals(service.path("name").asText())) {
        return service;
      }
    }
    throw new AssertionError("no " + name + " in " + background);
  }

  private HttpResponse<String> tick(String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + sluice.httpAddress().getPort() + "/v1/tick")).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode health() throws Exception {
    return json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + sluice.httpAddress().getPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws Exception {
    Instant deadline = Instant.now().plusSeconds(15);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
