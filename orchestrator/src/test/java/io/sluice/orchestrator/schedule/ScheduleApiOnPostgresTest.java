package io.sluice.orchestrator.schedule;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.it.ServiceApi;
import io.sluice.orchestrator.webhook.WebhookReceiver;
import io.sluice.protocols.schedule.ScheduleAction;
import io.sluice.protocols.schedule.ScheduleSpec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schedules through the running service ({@link Sluice#start} in process, the real PostgreSQL): the API's register
 * (idempotent upsert), list, get, pause, resume, run now and delete; every kind of bad input refused naming its field
 * with nothing stored; and firings that publish events delivered to a real receiver, once per due time.
 */
class ScheduleApiOnPostgresTest {
  private static final String ADMIN_KEY = "schedule-api-test-admin-key-0123456789";
  private static final AtomicInteger jobRuns = new AtomicInteger();
  private static final String SYSTEM_QUEUE = "schedule-api-test.system";

  private static ActorTestKit peers;
  private static WebhookReceiver receiver;
  private static Sluice sluice;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.retireLeftoverWork();
    peers = ActorTestKit.create("ScheduleApiPeers", ConfigFactory.parseString("akka.actor.provider = local"));
    receiver = new WebhookReceiver(peers.system());
    ScheduledJobs jobs = ScheduledJobs.none()
        .with("count", run -> CompletableFuture.completedFuture(Done.getInstance())
            .thenApply(done -> {
              jobRuns.incrementAndGet();
              return done;
            }))
        .registering(ScheduleSpec.builder(new ScheduleSpec.Queue(SYSTEM_QUEUE), ScheduleSpec.Workspace.SYSTEM)
            .every(Duration.ofHours(6)).action(new ScheduleAction.RunJob("count")).build());
    sluice = Sluice.start(ConfigFactory.parseMap(Map.of(
            "sluice.database.url", TestDatabase.URL,
            "sluice.database.user", TestDatabase.USER,
            "sluice.database.password", TestDatabase.PASSWORD,
            "sluice.http.port", "0",
            "sluice.http.admin-key", ADMIN_KEY,
            "sluice.bootstrap.create-first-key", "false",
            "sluice.webhooks.allow-addresses", "127.0.0.0/8",
            "sluice.webhooks.jitter", "0"))
        .withFallback(ConfigFactory.load()), jobs);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sluice != null) {
      sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    TestDatabase.retireLeftoverSchedules();
    receiver.close();
    peers.shutdownTestKit();
  }

  @Test
  void registrationIsAnIdempotentUpsertAndTheScheduleCanBePausedResumedRunAndDeleted() throws Exception {
    ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    Map<String, Object> spec = Map.of("queue", "nightly", "cron", "0 2 * * *", "timeZone", "Europe/Paris",
        "payload", Map.of("report", "daily"), "action", Map.of("kind", "run-job", "job", "count"));

    JsonNode created = api.send("POST", "/v1/schedules", spec, 201);
    JsonNode repeated = api.send("POST", "/v1/schedules", spec, 200);
    assertEquals(created.path("id"), repeated.path("id"));
    assertEquals(2, repeated.path("registrations").asInt());
    assertEquals(5, created.path("upcoming").size());
    Instant first = Instant.parse(created.path("nextDueAt").asText());
    assertEquals(0, first.atZone(java.time.ZoneId.of("Europe/Paris")).getMinute());
    assertEquals(2, first.atZone(java.time.ZoneId.of("Europe/Paris")).getHour());

    JsonNode changed = api.send("POST", "/v1/schedules", Map.of("queue", "nightly", "every", "PT1H",
        "action", Map.of("kind", "run-job", "job", "count"), "overlap", "queue-one", "catchUp", "run-once"), 200);
    assertEquals(created.path("id"), changed.path("id"));
    assertEquals("PT1H", changed.path("every").asText());
    assertEquals("queue-one", changed.path("overlap").asText());
    assertEquals(1, api.send("GET", "/v1/schedules", null, 200).path("schedules").size());

    assertTrue(api.send("POST", "/v1/schedules/nightly/pause", null, 200).path("paused").asBoolean());
    assertEquals(0, api.send("GET", "/v1/schedules/nightly", null, 200).path("upcoming").size());
    assertFalse(api.send("POST", "/v1/schedules/nightly/resume", null, 200).path("paused").asBoolean());

    int before = jobRuns.get();
    JsonNode run = api.send("POST", "/v1/schedules/nightly/run", null, 202);
    assertTrue(run.path("started").asBoolean(), run.toString());
    await("the run-now firing ran and was recorded", Duration.ofSeconds(10), () -> {
      JsonNode view = get(api, "/v1/schedules/nightly");
      return jobRuns.get() > before && "SUCCEEDED".equals(view.path("lastOutcome").asText())
          && "MANUAL".equals(view.path("recentFirings").path(0).path("kind").asText())
          && "SUCCEEDED".equals(view.path("recentFirings").path(0).path("status").asText());
    });

    await("the scheduler's series in /metrics", Duration.ofSeconds(10), () -> {
      String metrics = metrics();
      return metrics.contains("sluice_schedules_duplicate_registrations_total")
          && metrics.contains("sluice_schedules_firings_total{queue=\"nightly\",outcome=\"succeeded\"}")
          && metrics.contains("sluice_schedules_firing_lag_seconds");
    });

    api.send("DELETE", "/v1/schedules/nightly", null, 204);
    api.send("GET", "/v1/schedules/nightly", null, 404);
    api.send("DELETE", "/v1/schedules/nightly", null, 404);
    api.send("POST", "/v1/schedules/nightly/run", null, 404);
  }

  @Test
  void badRegistrationsAreRefusedNamingTheFieldAndStoreNothing() throws Exception {
    ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    Map<String, Object> job = Map.of("kind", "run-job", "job", "count");
    refused(api, Map.of("queue", "q", "cron", "61 * * * *", "action", job), 400, "cron");
    refused(api, Map.of("queue", "q", "cron", "0 9 * * *", "timeZone", "Mars/Olympus", "action", job), 400,
        "timeZone");
    refused(api, Map.of("queue", "q", "every", "PT0S", "action", job), 400, "every");
    refused(api, Map.of("queue", "q", "every", "-PT5S", "action", job), 400, "every");
    refused(api, Map.of("queue", "q", "every", "soon", "action", job), 400, "every");
    refused(api, Map.of("queue", "q", "action", job), 400, "every");
    refused(api, Map.of("queue", "q", "every", "PT1M", "cron", "* * * * *", "action", job), 400, "cron");
    refused(api, Map.of("queue", "q", "every", "PT1M", "action", Map.of("kind", "run-job", "job", "nope")), 400,
        "action.job");
    refused(api, Map.of("queue", "q", "every", "PT1M", "action", Map.of("kind", "teleport")), 400, "action.kind");
    refused(api, Map.of("queue", "q", "every", "PT1M",
        "action", Map.of("kind", "publish-event", "eventType", "no.such.type")), 400, "action.eventType");
    refused(api, Map.of("queue", "q", "every", "PT1M",
        "action", Map.of("kind", "start-campaign", "campaignId", "3b5a8f0e-0000-0000-0000-000000000000")), 400,
        "action.campaignId");
    refused(api, Map.of("queue", "Not A Queue", "every", "PT1M", "action", job), 400, "queue");
    refused(api, Map.of("queue", "q", "every", "PT1M", "action", job, "workspaceId", "system"), 400,
        "workspaceId");
    refused(api, Map.of("queue", "q", "every", "PT1M", "action", job, "overlap", "sometimes"), 400, "overlap");
    refused(api, Map.of("queue", "q", "every", "PT1M", "action", job, "catchUp", "always"), 400, "catchUp");
    refused(api, Map.of("queue", "q", "every", "PT1M", "action", job, "payload",
        Map.of("blob", "x".repeat(70_000))), 413, "payload");
    assertEquals(0, api.send("GET", "/v1/schedules", null, 200).path("schedules").size());
  }

  @Test
  void aPublishingScheduleFiresOncePerDueTimeAndItsEventsReachTheWebhookReceiver() throws Exception {
    receiver.on("/scheduled", () -> complete(StatusCodes.OK));
    ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    api.send("POST", "/v1/webhooks/event-types", Map.of("name", "report.ready"), 201);
    api.send("POST", "/v1/webhooks/endpoints", Map.of("url", receiver.url("/scheduled"),
        "eventTypes", List.of("report.ready")), 201);
    api.send("POST", "/v1/schedules", Map.of("queue", "reports", "every", "PT1S", "payload", Map.of("n", 1),
        "action", Map.of("kind", "publish-event", "eventType", "report.ready")), 201);

    await("three scheduled events delivered", Duration.ofSeconds(15), () -> receiver.count("/scheduled") >= 3);
    api.send("POST", "/v1/schedules/reports/pause", null, 200);
    Set<String> ids = new HashSet<>();
    for (WebhookReceiver.Received delivery : receiver.received()) {
      if (delivery.path().equals("/scheduled")) {
        assertTrue(ids.add(delivery.header("webhook-id")), "one message per firing");
        JsonNode body = json.readTree(delivery.body());
        assertEquals("report.ready", body.path("type").asText());
        assertEquals(1, body.path("data").path("n").asInt());
      }
    }
    JsonNode view = get(api, "/v1/schedules/reports");
    Set<String> dueTimes = new HashSet<>();
    for (JsonNode firing : view.path("recentFirings")) {
      assertTrue(dueTimes.add(firing.path("dueAt").asText()), "a due time fired twice: " + view);
      assertEquals("SCHEDULED", firing.path("kind").asText());
    }
    assertEquals("SUCCEEDED", view.path("lastOutcome").asText());
    api.send("DELETE", "/v1/schedules/reports", null, 204);
  }

  @Test
  void aScheduleRegisteredInCodeIsASystemScheduleThatNoWorkspaceSees() throws Exception {
    ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    api.send("GET", "/v1/schedules/" + SYSTEM_QUEUE, null, 404);
    try (var observer = TestDatabase.observer(); var query = observer.prepareStatement(
        "SELECT count(*) FROM schedule WHERE queue = ? AND workspace_id IS NULL")) {
      query.setString(1, SYSTEM_QUEUE);
      try (var row = query.executeQuery()) {
        row.next();
        assertEquals(1, row.getInt(1));
      }
    }
  }

  private void refused(ServiceApi api, Map<String, Object> body, int status, String field) throws Exception {
    HttpResponse<String> response = api.request("POST", "/v1/schedules", body);
    assertEquals(status, response.statusCode(), response.body());
    JsonNode problem = json.readTree(response.body());
    List<String> fields = new java.util.ArrayList<>();
    problem.path("errors").forEach(error -> fields.add(error.path("field").asText()));
    assertTrue(fields.contains(field), "expected an error naming " + field + ": " + response.body());
  }

  private static String metrics() {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              "http://127.0.0.1:" + sluice.httpAddress().getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode get(ServiceApi api, String path) {
    try {
      return api.send("GET", path, null, 200);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " did not happen within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
