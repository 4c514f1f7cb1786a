package io.sluice.orchestrator.background;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SluiceSettings;
import io.sluice.persistence.Migrations;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.demo.DemoLeads;
import io.sluice.orchestrator.it.ServiceApi;
import io.sluice.orchestrator.webhook.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The serverless proof (issue 9) on the real PostgreSQL: with future work pending — a campaign whose scheduled start
 * is ahead, a webhook delivery waiting for its retry — the whole process reaches zero backend connections within the
 * idle timeout + 1 s of its last work, every background service shows zero timers, and the database sees no
 * transaction at all from then on (not even for ticks without the token, which answer 401). A tick with the token
 * then runs the due work, and the connections drain again.
 *
 * <p>The database is watched from a connection to ANOTHER database ({@code postgres}): {@code pg_stat_activity} shows
 * the pools' backends by their {@code application_name}s, and {@code sessions} of the service's database in {@code
 * pg_stat_database} counts every client session ever opened there. A transaction needs a session: none of the
 * service's open when the quiet interval starts, and no session opened during it, means the service ran no transaction
 * in it. {@code xact_commit} would say the same more directly, but it also counts the transactions of PostgreSQL's
 * autovacuum workers, which are no client sessions and may run in the quiet interval.
 */
class ServerlessOnPostgresTest {
  private static final String ADMIN_KEY = "serverless-test-admin-key-0123456789abcd";
  private static final String TICK_TOKEN = "serverless-tick-token-" + UUID.randomUUID();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String DB_APP = "sluice-db-serverless-" + RUN;
  private static final String JOURNAL_APP = "sluice-journal-serverless-" + RUN;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  /** The bound: zero backends within the idle timeout + 1 s of the last work. */
  private static final Duration DRAIN_BOUND = IDLE_TIMEOUT.plusSeconds(1);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(8);
  private static final Duration QUIET_INTERVAL = Duration.ofSeconds(4);
  /** PostgreSQL 15 flushes a backend's statistics at most once a second (and at its exit). */
  private static final Duration STATS_FLUSH = Duration.ofMillis(1500);

  private static ActorTestKit peers;
  private static WebhookReceiver receiver;
  private static Sluice sluice;
  private static final AtomicInteger hookCalls = new AtomicInteger();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    peers = ActorTestKit.create("ServerlessPeers", ConfigFactory.parseString("akka.actor.provider = local"));
    receiver = new WebhookReceiver(peers.system());
    // The first attempt fails, every later one succeeds.
    receiver.on("/hook", () -> hookCalls.getAndIncrement() == 0
        ? complete(StatusCodes.INTERNAL_SERVER_ERROR) : complete(StatusCodes.OK));
    Config config = ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("sluice.mode", "serverless"),
            Map.entry("sluice.serverless.tick-token", TICK_TOKEN),
            Map.entry("sluice.database.url", TestDatabase.URL),
            Map.entry("sluice.database.user", TestDatabase.USER),
            Map.entry("sluice.database.password", TestDatabase.PASSWORD),
            Map.entry("sluice.pools.db.application-name", DB_APP),
            Map.entry("sluice.pools.db.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"),
            Map.entry("sluice.pools.journal.application-name", JOURNAL_APP),
            Map.entry("sluice.pools.journal.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"),
            Map.entry("sluice.call-slots.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"),
            Map.entry("sluice.http.port", "0"),
            Map.entry("sluice.http.admin-key", ADMIN_KEY),
            Map.entry("sluice.bootstrap.create-first-key", "false"),
            Map.entry("sluice.webhooks.allow-addresses", "127.0.0.0/8"),
            Map.entry("sluice.webhooks.jitter", "0"),
            Map.entry("sluice.webhooks.retry-schedule", List.of("0s", RETRY_DELAY.toSeconds() + "s", "1h"))))
        .withFallback(ConfigFactory.load());
    // A database of its own may be fresh: the tables first, then nothing left over from an earlier run.
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
  void pendingWorkLeavesTheDatabaseAloneUntilATickRunsIt() throws Exception {
    ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    api.send("POST", "/v1/webhooks/endpoints",
        Map.of("url", receiver.url("/hook"), "eventTypes", List.of("lead.hot")), 201);
    api.send("POST", "/v1/webhooks/event-types", Map.of("name", "report.ready"), 201);
    api.send("POST", "/v1/schedules", Map.of("queue", "reports", "every", "PT10S",
        "action", Map.of("kind", "publish-event", "eventType", "report.ready")), 201);
    String campaignId = api.send("POST", "/v1/campaigns", campaign(3), 201).path("campaignId").asText();
    Instant startAt = Instant.now().plusSeconds(10);
    assertEquals("SCHEDULED", api.send("POST", "/v1/campaigns/" + campaignId + "/start",
        Map.of("at", startAt.toString()), 200).path("status").asText());
    api.send("POST", "/v1/events", Map.of("eventType", "lead.hot", "payload", Map.of("lead", 1)), 202);
    Instant lastRequest = Instant.now();

    await("the first attempt reached the receiver (and failed)", Duration.ofSeconds(10), () -> hookCalls.get() >= 1);
    Instant lastWork = Instant.now().isAfter(lastRequest) ? Instant.now() : lastRequest;
    await("zero backends", Duration.ofSeconds(15), () -> backends() == 0);
    Duration drained = Duration.between(lastWork, Instant.now());
    assertTrue(drained.compareTo(DRAIN_BOUND) <= 0, "drained after " + drained);
    assertNoTimers(health());

    // Quiet: not one transaction in the service's database, not one backend, not even for refused ticks.
    Thread.sleep(STATS_FLUSH.toMillis());
    long before = sessions();
    Instant quietUntil = Instant.now().plus(QUIET_INTERVAL);
    assertEquals(401, tick(null).statusCode(), "no token");
    HttpResponse<String> wrong = tick("not-the-token-but-long-enough");
    assertEquals(401, wrong.statusCode());
    assertEquals(401, json.readTree(wrong.body()).path("status").asInt());
    while (Instant.now().isBefore(quietUntil)) {
      assertEquals(0, backends(), () -> "a backend opened while nothing was due: " + activity());
      Thread.sleep(200);
    }
    Thread.sleep(STATS_FLUSH.toMillis());
    assertEquals(before, sessions(), "sessions opened in the service's database while nothing was due");
    assertEquals(1, hookCalls.get(), "nothing retried without a tick");
    assertNoTimers(health());

    // Due now: the schedule, the scheduled start and the webhook retry.
    Instant due = startAt.isAfter(lastWork.plus(RETRY_DELAY)) ? startAt : lastWork.plus(RETRY_DELAY);
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), due).toMillis() + 500));
    HttpResponse<String> ticked = tick(TICK_TOKEN);
    assertEquals(200, ticked.statusCode(), ticked.body());
    JsonNode report = json.readTree(ticked.body());
    assertEquals(1, service(report, "campaign-scheduler").path("ran").asInt(), ticked.body());
    assertEquals(1, service(report, "webhook-retry").path("ran").asInt(), ticked.body());
    assertEquals(1, service(report, "schedules").path("ran").asInt(), ticked.body());
    assertTrue(Instant.parse(service(report, "schedules").path("nextDue").asText()).isAfter(Instant.now()),
        ticked.body());
    await("the firing recorded", Duration.ofSeconds(10), () -> {
      try {
        return "SUCCEEDED".equals(api.send("GET", "/v1/schedules/reports", null, 200).path("lastOutcome").asText());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await("the retry delivered", Duration.ofSeconds(10), () -> hookCalls.get() >= 2);
    JsonNode started = api.send("GET", "/v1/campaigns/" + campaignId, null, 200);
    assertTrue(List.of("RUNNING", "COMPLETED").contains(started.path("status").asText()), started.toString());

    await("zero backends again once the tick's work is done", Duration.ofSeconds(60), () -> backends() == 0);
    assertNoTimers(health());
  }

  private static Map<String, Object> campaign(int leads) {
    List<DemoLeads.DemoLead> picked = new DemoLeads().pick(Instant.now(), 6, leads);
    return Map.of(
        "name", "Serverless campaign",
        "owner", Map.of("userId", "owner-1", "email", "owner-" + RUN + "@example.com"),
        "leads", picked.stream().map(DemoLeads::asJson).toList(),
        "windows", List.of(Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"),
            "start", "08:00", "end", "21:00")),
        "maxConcurrentCalls", 2,
        "hotThreshold", 60);
  }

  private static JsonNode service(JsonNode report, String name) {
    for (JsonNode service : report.path("services")) {
      if (name.equals(service.path("name").asText())) {
        return service;
      }
    }
    throw new AssertionError("no " + name + " in " + report);
  }

  private static void assertNoTimers(JsonNode health) {
    JsonNode background = health.path("background");
    assertEquals(4, background.size(), health.toString());
    for (JsonNode service : background) {
      assertTrue(service.path("enabled").asBoolean(), service.toString());
      assertEquals(0, service.path("timers").asInt(), service.toString());
    }
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
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + sluice.httpAddress().getPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    return json.readTree(response.body());
  }

  /** A connection to the {@code postgres} database, so that watching never counts as a query of the service's. */
  private static Connection watcher() throws Exception {
    return DriverManager.getConnection(TestDatabase.URL.replaceAll("/[^/?]+(\\?.*)?$", "/postgres$1"),
        TestDatabase.USER, TestDatabase.PASSWORD);
  }

  private static String serviceDatabase() {
    String path = URI.create(TestDatabase.URL.substring("jdbc:".length())).getPath();
    return path.substring(1);
  }

  /** The service's backends (both pools) in {@code pg_stat_activity}. */
  static int backends() {
    try (Connection watcher = watcher(); PreparedStatement count = watcher.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND application_name IN (?, ?)")) {
      count.setString(1, serviceDatabase());
      count.setString(2, DB_APP);
      count.setString(3, JOURNAL_APP);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The service's backends and their last query, for a failure's message. */
  private static String activity() {
    try (Connection watcher = watcher(); PreparedStatement select = watcher.prepareStatement(
        "SELECT application_name, state, query FROM pg_stat_activity WHERE datname = ?"
            + " AND application_name IN (?, ?)")) {
      select.setString(1, serviceDatabase());
      select.setString(2, DB_APP);
      select.setString(3, JOURNAL_APP);
      StringBuilder found = new StringBuilder();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          found.append('[').append(row.getString(1)).append(' ').append(row.getString(2)).append(": ")
              .append(row.getString(3)).append(']');
        }
      }
      return found.toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  /** Client sessions opened in the service's database so far, as the statistics show them now. */
  private static long sessions() throws Exception {
    try (Connection watcher = watcher(); Statement statement = watcher.createStatement()) {
      statement.execute("SELECT pg_stat_clear_snapshot()");
      try (PreparedStatement select = watcher.prepareStatement(
          "SELECT sessions FROM pg_stat_database WHERE datname = ?")) {
        select.setString(1, serviceDatabase());
        try (ResultSet row = select.executeQuery()) {
          row.next();
          return row.getLong(1);
        }
      }
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
