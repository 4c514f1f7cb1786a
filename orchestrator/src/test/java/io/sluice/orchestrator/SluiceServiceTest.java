package io.sluice.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SettingsException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole service against the real PostgreSQL: start-up, HTTP API, and a clean coordinated shutdown. */
class SluiceServiceTest {
  private static final String APPLICATION_NAME = "sluice-svc-" + UUID.randomUUID().toString().substring(0, 8);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Sluice sluice;

  private static Config config(Map<String, Object> overrides) {
    return ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.parseMap(Map.of(
            "sluice.database.url", TestDatabase.URL,
            "sluice.database.user", TestDatabase.USER,
            "sluice.database.password", TestDatabase.PASSWORD,
            "sluice.pools.db.application-name", APPLICATION_NAME,
            "sluice.pools.db.max-size", 4,
            "sluice.pools.db.limit", 4,
            "sluice.http.port", 0)))
        .withFallback(ConfigFactory.load());
  }

  @BeforeAll
  static void start() throws Exception {
    // Work other tests left in the shared database would otherwise resume here and hold permits.
    TestDatabase.retireLeftoverWork();
    sluice = Sluice.start(config(Map.of()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sluice != null) {
      sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + sluice.httpAddress().getPort() + path);
    return HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthShowsReadinessBudgetAndPoolState() throws Exception {
    HttpResponse<String> response = send("GET", "/health");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode health = JSON.readTree(response.body());
    assertEquals("UP", health.get("status").asText());
    assertTrue(health.get("ready").asBoolean());
    assertEquals("pool db 4 + pool journal 4 = 8 <= sluice.database.max-connections 20",
        health.get("budget").get("arithmetic").asText());
    assertEquals("db", health.get("pools").get(0).get("name").asText());
    // Slow start: an idle service sits at limit-control.initial-limit until work waits.
    assertEquals(2, health.get("pools").get(0).get("limit").asInt());
    assertEquals(200, send("GET", "/health/live").statusCode());
    assertEquals(200, send("GET", "/health/ready").statusCode());
  }

  @Test
  void poolsListsEveryPoolStats() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/pools");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode db = JSON.readTree(response.body()).get(0);
    assertEquals("db", db.get("pool").asText());
    assertEquals(4, db.get("physical").get("maxSize").asInt());
    // The start-up wrote the instance row through a permit, and gave it back.
    assertTrue(db.get("counters").get("acquired").asLong() >= 1);
    assertTrue(db.get("counters").get("released").asLong() >= 1, response.body());
    for (JsonNode holder : db.get("longestHolders")) {
      assertTrue(!holder.get("owner").asText().equals("sluice-instance"), response.body());
    }
    // At rest: nothing holds a permit once what a start hands to the background (provider events handed over again)
    // is through; a leaked permit would stay held until max-hold revokes it (30 s).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String body = response.body();
    while (JSON.readTree(body).get(0).get("grantedShort").asInt() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      body = send("GET", "/v1/pools").body();
    }
    assertEquals(0, JSON.readTree(body).get(0).get("grantedShort").asInt(), body);
  }

  @Test
  void metricsServesThePermitSeriesWithLiveValues() throws Exception {
    // Kamon's instruments are per JVM, keyed by pool name: a "db" pool of an earlier test class in this JVM may have
    // set the limit gauge last. One unit of work makes this service's supervisor publish its own state again.
    sluice.database().withConnection(null, "metrics-test", "touch", connection -> true).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String body = "";
    Pattern acquired = Pattern.compile("sluice_permits_acquired_total\\{pool=\"db\"} (\\d+)\\.0");
    // The reporter publishes a snapshot per tick (1 s); the permits show up in the next one.
    while (System.nanoTime() < deadline
        && !(acquired.matcher(body).find() && body.contains("sluice_permits_limit{pool=\"db\"} 2.0"))) {
      HttpResponse<String> response = send("GET", "/metrics");
      assertEquals(200, response.statusCode());
      body = response.body();
      Thread.sleep(200);
    }
    Matcher count = acquired.matcher(body);
    assertTrue(count.find(), body);
    assertTrue(Long.parseLong(count.group(1)) >= 1, body);
    for (String series : new String[] {"sluice_permits_limit{pool=\"db\"} 2.0", "sluice_permits_waiting{pool=\"db\"}",
        "sluice_permits_granted{", "sluice_connections{", "sluice_permits_wait_time_seconds_count{pool=\"db\"}",
        "sluice_permits_hold_time_seconds_count{", "owner_kind=\"sluice-instance\"", "purpose=\"record-start\"",
        "sluice_permits_rejected_total{", "sluice_permits_revoked_total{pool=\"db\"}",
        "sluice_permits_leaked_total{pool=\"db\"}", "sluice_permits_limit_changes_total{pool=\"db\"}",
        "sluice_permits_oldest_wait_seconds{pool=\"db\"}"}) {
      assertTrue(body.contains(series), series + " missing from /metrics");
    }
  }

  @Test
  void unknownPathsGetA404WithAJsonBody() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/nothing-here");
    assertEquals(404, response.statusCode());
    JsonNode body = JSON.readTree(response.body());
    assertEquals(404, body.get("status").asInt());
    assertEquals("/v1/nothing-here", body.get("path").asText());
  }

  @Test
  void wrongMethodsGetA405WithAJsonBody() throws Exception {
    HttpResponse<String> response = send("DELETE", "/v1/pools");
    assertEquals(405, response.statusCode());
    assertTrue(JSON.readTree(response.body()).get("error").asText().contains("GET"));
  }

  @Test
  void startUpRecordsTheInstance() throws Exception {
    try (Connection observer = TestDatabase.observer();
        PreparedStatement query = observer.prepareStatement(
            "SELECT started_at, stopped_at FROM sluice_instance WHERE instance_id = ?")) {
      query.setString(1, sluice.instanceId());
      try (ResultSet row = query.executeQuery()) {
        assertTrue(row.next());
        assertNotNull(row.getTimestamp(1));
        assertNull(row.getTimestamp(2));
      }
    }
  }

  @Test
  void anInvalidConfigurationIsRefusedNamingTheKey() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> Sluice.start(config(Map.of("sluice.pools.db.limit", 9))));
    assertTrue(refused.getMessage().contains("sluice.pools.db.limit is 9 but must not exceed sluice.pools.db.max-size 4"),
        refused.getMessage());
  }

  @Test
  void shutdownStampsTheInstanceAndReleasesEveryConnection() throws Exception {
    String other = APPLICATION_NAME + "-b";
    Sluice second = Sluice.start(config(Map.of("sluice.pools.db.application-name", other)));
    second.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (Connection observer = TestDatabase.observer()) {
      try (PreparedStatement query = observer.prepareStatement(
          "SELECT stopped_at FROM sluice_instance WHERE instance_id = ?")) {
        query.setString(1, second.instanceId());
        try (ResultSet row = query.executeQuery()) {
          assertTrue(row.next());
          Timestamp stoppedAt = row.getTimestamp(1);
          assertNotNull(stoppedAt, "coordinated shutdown records the stop");
        }
      }
      try (PreparedStatement count = observer.prepareStatement(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
        count.setString(1, other);
        try (ResultSet row = count.executeQuery()) {
          row.next();
          assertEquals(0, row.getInt(1), "the closed pool keeps no backend connection");
        }
      }
    }
  }
}
