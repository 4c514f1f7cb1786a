package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.complete;
import static io.sluice.orchestrator.webhook.EndpointClientTest.independentSignature;
import static io.sluice.orchestrator.webhook.WebhookDeliveryRig.assertAttempt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Deliveries by the real parts together on PostgreSQL ({@link WebhookDeliveryRig}): published through
 * {@code POST /v1/events}, attempted over real HTTP to receivers on loopback, recorded in the tables and read back
 * through the operations API, with the retry schedule in virtual time. Every test has a workspace of its own, its
 * endpoints filtered to {@code lead.hot} so that the operational events they raise reach only the endpoints meant
 * for them. The last test checks that everything the class did has come to rest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookDeliveryOnPostgresTest {
  static final String SETTINGS = "jitter = 0\nretry-schedule = [0s, 5s, 1m, 10m]\nattempt-timeout = 2s\n"
      + "secret-rotation-overlap = 1h";
  private static WebhookDeliveryRig rig;
  private static WebhookReceiver receiver;

  private final String workspace = WebhookApi.newWorkspace();

  @BeforeAll
  static void start() throws Exception {
    rig = new WebhookDeliveryRig("WebhookDeliveryOnPostgresTest", SETTINGS);
    receiver = rig.receiver();
  }

  @AfterAll
  static void stop() throws Exception {
    receiver.close();
    rig.close();
  }

  private JsonNode endpoint(String path, Map<String, Object> fields) throws Exception {
    return endpoint(path, fields, List.of("lead.hot"));
  }

  private JsonNode endpoint(String path, Map<String, Object> fields, List<String> eventTypes) throws Exception {
    Map<String, Object> withTypes = new java.util.HashMap<>(fields);
    withTypes.put("eventTypes", eventTypes);
    return rig.endpoint(workspace, receiver.url(path), withTypes);
  }

  private String publish(int lead) throws Exception {
    return rig.publish(workspace, "lead.hot", Map.of("lead", "l-" + lead, "score", 90));
  }

  private List<WebhookReceiver.Received> received(String path) {
    return receiver.received().stream().filter(request -> request.path().equals(path)).toList();
  }

  private long messagesOfType(String eventType) throws Exception {
    return WebhookApi.count("SELECT count(*) FROM webhook_message WHERE event_type = '" + eventType
        + "' AND workspace_id = ?", workspace);
  }

  @Test
  @Order(1)
  void aMessageFailingThreeTimesArrivesOnceSignedUnderOneIdAtTheScheduleTimes() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    receiver.on("/flaky", () -> calls.incrementAndGet() <= 3
        ? complete(StatusCodes.INTERNAL_SERVER_ERROR, "down") : complete(StatusCodes.OK, "thanks"));
    JsonNode endpoint = endpoint("/flaky", Map.of());
    String id = endpoint.path("id").asText();
    String secret = endpoint.path("secret").asText();
    Instant t0 = rig.now();
    String messageId = publish(1);

    rig.awaitAttempts(id, messageId, 1);
    rig.advance(Duration.ofSeconds(5), 1);
    rig.awaitAttempts(id, messageId, 2);
    rig.advance(Duration.ofMinutes(1), 1);
    rig.awaitAttempts(id, messageId, 3);
    rig.advance(Duration.ofMinutes(10), 1);
    rig.awaitState(workspace, id, messageId, "DELIVERED");

    List<Instant> schedule = List.of(t0, t0.plusSeconds(5), t0.plusSeconds(65), t0.plusSeconds(665));
    List<WebhookReceiver.Received> requests = received("/flaky");
    assertEquals(4, requests.size(), "four attempts, the last acknowledged: " + requests);
    assertEquals(4, calls.get());
    for (int i = 0; i < requests.size(); i++) {
      WebhookReceiver.Received request = requests.get(i);
      assertEquals(messageId, request.header("webhook-id"));
      long timestamp = Long.parseLong(request.header("webhook-timestamp"));
      assertEquals(schedule.get(i).getEpochSecond(), timestamp);
      assertEquals(independentSignature(secret, messageId, timestamp, request.body()),
          request.header("webhook-signature"));
      assertEquals(rig.api.json.readTree("{\"lead\":\"l-1\",\"score\":90}"),
          rig.api.json.readTree(request.body()).path("data"));
    }
    List<JsonNode> attempts = rig.attempts(workspace, id, messageId);
    assertEquals(4, attempts.size(), attempts::toString);
    assertAttempt(attempts.get(0), 1, "FAILED", 500);
    assertAttempt(attempts.get(1), 2, "FAILED", 500);
    assertAttempt(attempts.get(2), 3, "FAILED", 500);
    assertAttempt(attempts.get(3), 4, "DELIVERED", 200);
    assertEquals("down", attempts.get(0).path("responsePrefix").asText());
    assertEquals("thanks", attempts.get(3).path("responsePrefix").asText());
    assertEquals(schedule, rig.startTimes(attempts));
    JsonNode delivery = rig.delivery(workspace, id, messageId);
    assertEquals(4, delivery.path("attempts").asInt());
    assertEquals(200, delivery.path("lastStatus").asInt());
    assertTrue(delivery.path("nextAttemptAt").isNull(), delivery::toString);
  }

  @Test
  @Order(2)
  void a410DisablesTheEndpointHoldsItsMessagesAndReEnablingDeliversThem() throws Exception {
    AtomicBoolean gone = new AtomicBoolean(true);
    receiver.on("/gone", () -> gone.getAndSet(false) ? complete(StatusCodes.GONE) : complete(StatusCodes.OK));
    String id = endpoint("/gone", Map.of("ordering", "ordered")).path("id").asText();
    // Paused while both are published, so that the first is the head whose 410 holds the second.
    rig.api.expect(200, workspace, "POST", "/v1/webhooks/endpoints/" + id + "/pause", null);
    String first = publish(1);
    String second = publish(2);
    rig.api.expect(200, workspace, "POST", "/v1/webhooks/endpoints/" + id + "/resume", null);

    rig.awaitTrue("endpoint.disabled stored", () -> {
      try {
        return messagesOfType(Notices.DISABLED) == 1;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    rig.awaitIdle();
    JsonNode disabled = rig.api.expect(200, workspace, "GET", "/v1/webhooks/endpoints/" + id, null);
    assertFalse(disabled.path("enabled").asBoolean(), disabled::toString);
    assertEquals("the endpoint answered 410 Gone", disabled.path("disabledReason").asText());
    assertEquals("PENDING", rig.delivery(workspace, id, first).path("state").asText());
    assertEquals("PENDING", rig.delivery(workspace, id, second).path("state").asText());
    assertEquals(1, received("/gone").size(), "nothing sent after the 410");
    assertEquals(0, rig.api.expect(200, workspace, "GET", "/v1/webhooks/messages/" + publish(3), null)
        .path("deliveries").size(), "a disabled endpoint gets no new delivery");

    rig.api.expect(200, workspace, "PATCH", "/v1/webhooks/endpoints/" + id, Map.of("enabled", true));
    rig.awaitState(workspace, id, first, "DELIVERED");
    rig.awaitState(workspace, id, second, "DELIVERED");
    List<JsonNode> attempts = rig.attempts(workspace, id, first);
    assertAttempt(attempts.get(0), 1, "GONE", 410);
    assertAttempt(attempts.get(1), 2, "DELIVERED", 200);
    assertAttempt(rig.attempts(workspace, id, second).get(0), 1, "DELIVERED", 200);
    assertEquals(List.of(first, first, second), received("/gone").stream()
        .map(request -> request.header("webhook-id")).toList());
    assertFalse(rig.api.expect(200, workspace, "GET", "/v1/webhooks/endpoints/" + id, null)
        .hasNonNull("disabledReason"));
  }

  @Test
  @Order(3)
  void retryAfterPutsTheNextAttemptNoEarlierThanItSays() throws Exception {
    AtomicBoolean busy = new AtomicBoolean(true);
    receiver.on("/busy", () -> busy.getAndSet(false)
        ? complete(akka.http.javadsl.model.HttpResponse.create().withStatus(429)
            .addHeader(akka.http.javadsl.model.headers.RetryAfter.create(120L)))
        : complete(StatusCodes.OK));
    String id = endpoint("/busy", Map.of()).path("id").asText();
    Instant t0 = rig.now();
    String messageId = publish(1);

    rig.awaitAttempts(id, messageId, 1);
    assertEquals(t0.plusSeconds(120).toString(), rig.delivery(workspace, id, messageId).path("nextAttemptAt")
        .asText(), "the schedule said 5 s, the receiver 120 s");
    rig.advance(Duration.ofSeconds(119), 1);
    rig.advance(Duration.ofSeconds(1), 1);
    rig.awaitState(workspace, id, messageId, "DELIVERED");

    List<JsonNode> attempts = rig.attempts(workspace, id, messageId);
    assertEquals(2, attempts.size(), attempts::toString);
    assertAttempt(attempts.get(0), 1, "THROTTLED", 429);
    assertAttempt(attempts.get(1), 2, "DELIVERED", 200);
    assertEquals(List.of(t0, t0.plusSeconds(120)), rig.startTimes(attempts));
  }

  @Test
  @Order(5)
  void afterTheLastAttemptTheMessageIsDeadExhaustedIsPublishedAndAReplayDeliversIt() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    receiver.on("/dead", () -> failing.get() ? complete(StatusCodes.INTERNAL_SERVER_ERROR)
        : complete(StatusCodes.OK));
    receiver.on("/ops", () -> complete(StatusCodes.OK));
    String id = endpoint("/dead", Map.of()).path("id").asText();
    endpoint("/ops", Map.of(), List.of(Notices.EXHAUSTED));
    String messageId = publish(1);

    rig.awaitAttempts(id, messageId, 1);
    rig.advance(Duration.ofSeconds(5), 1);
    rig.awaitAttempts(id, messageId, 2);
    rig.advance(Duration.ofMinutes(1), 1);
    rig.awaitAttempts(id, messageId, 3);
    rig.advance(Duration.ofMinutes(10), 1);
    rig.awaitState(workspace, id, messageId, "DEAD");
    rig.awaitTrue("exhausted delivered to /ops", () -> received("/ops").size() == 1);

    assertEquals(1, messagesOfType(Notices.EXHAUSTED));
    assertEquals(Map.of("endpointId", id, "messageId", messageId, "eventType", "lead.hot", "attempts", 4,
        "lastStatus", 500), rig.api.json.convertValue(
        rig.api.json.readTree(received("/ops").get(0).body()).path("data"), Map.class));
    JsonNode dead = rig.delivery(workspace, id, messageId);
    assertEquals(4, dead.path("attempts").asInt());
    assertTrue(dead.path("nextAttemptAt").isNull(), dead::toString);
    assertEquals(messageId, rig.api.expect(200, workspace, "GET", "/v1/webhooks/dead-letters?endpointId=" + id, null)
        .path("deliveries").get(0).path("messageId").asText());

    failing.set(false);
    rig.api.expect(202, workspace, "POST", "/v1/webhooks/endpoints/" + id + "/messages/" + messageId + "/replay",
        null);
    rig.awaitState(workspace, id, messageId, "DELIVERED");
    List<JsonNode> attempts = rig.attempts(workspace, id, messageId);
    assertEquals(5, attempts.size(), attempts::toString);
    assertAttempt(attempts.get(3), 4, "FAILED", 500);
    assertAttempt(attempts.get(4), 5, "DELIVERED", 200);
    assertEquals(Set.of(messageId), Set.copyOf(received("/dead").stream()
        .map(request -> request.header("webhook-id")).toList()));
  }

  @Test
  @Order(6)
  void replayingEveryDeadMessagePublishedSinceAnInstantLeavesTheOlderOnesDead() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    receiver.on("/dead-since", () -> failing.get() ? complete(StatusCodes.BAD_GATEWAY) : complete(StatusCodes.OK));
    String id = endpoint("/dead-since", Map.of()).path("id").asText();
    // Paused while they are published, so that the three are attempted together and fail at the same times.
    rig.api.expect(200, workspace, "POST", "/v1/webhooks/endpoints/" + id + "/pause", null);
    String older = publish(0);
    rig.time.timePasses(Duration.ofSeconds(1));
    Instant since = rig.now();
    List<String> newer = List.of(publish(1), publish(2));
    List<String> all = List.of(older, newer.get(0), newer.get(1));
    rig.api.expect(200, workspace, "POST", "/v1/webhooks/endpoints/" + id + "/resume", null);
    List<Duration> delays = List.of(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(10));
    for (int attempt = 1; attempt <= 3; attempt++) {
      for (String messageId : all) {
        rig.awaitAttempts(id, messageId, attempt);
      }
      rig.advance(delays.get(attempt - 1), 1);
    }
    for (String messageId : all) {
      rig.awaitState(workspace, id, messageId, "DEAD");
    }
    rig.awaitTrue("three exhausted notices", () -> {
      try {
        return messagesOfType(Notices.EXHAUSTED) == 3;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    failing.set(false);
    JsonNode replayed = rig.api.expect(202, workspace, "POST", "/v1/webhooks/endpoints/" + id + "/replay",
        Map.of("since", since.toString()));
    assertEquals(2, replayed.path("replayed").asInt(), replayed::toString);
    for (String messageId : newer) {
      rig.awaitState(workspace, id, messageId, "DELIVERED");
      assertAttempt(rig.attempts(workspace, id, messageId).get(4), 5, "DELIVERED", 200);
    }
    rig.awaitIdle();
    assertEquals("DEAD", rig.delivery(workspace, id, older).path("state").asText());
    assertEquals(4, rig.attempts(workspace, id, older).size());
  }

  @Test
  @Order(7)
  void afterARotationBothSecretsSignUntilTheOverlapEndsThenOnlyTheNewOne() throws Exception {
    receiver.on("/rotating", () -> complete(StatusCodes.OK));
    JsonNode endpoint = endpoint("/rotating", Map.of());
    String id = endpoint.path("id").asText();
    String old = endpoint.path("secret").asText();
    JsonNode rotated = rig.api.expect(200, workspace, "POST", "/v1/webhooks/endpoints/" + id + "/secret/rotate",
        null);
    String current = rotated.path("secret").asText();
    assertEquals(rig.now().plus(Duration.ofHours(1)).toString(), rotated.path("previousSecretExpiresAt").asText());

    String during = publish(1);
    rig.awaitState(workspace, id, during, "DELIVERED");
    WebhookReceiver.Received signedTwice = received("/rotating").get(0);
    long timestamp = Long.parseLong(signedTwice.header("webhook-timestamp"));
    assertEquals(Set.of(independentSignature(current, during, timestamp, signedTwice.body()),
            independentSignature(old, during, timestamp, signedTwice.body())),
        Set.of(signedTwice.header("webhook-signature").split(" ")), "one signature under each secret");

    // The entity has passivated; the next one reads the endpoint after the overlap.
    rig.awaitIdle();
    rig.time.timePasses(Duration.ofHours(1).plusSeconds(1));
    String after = publish(2);
    rig.awaitState(workspace, id, after, "DELIVERED");
    WebhookReceiver.Received signedOnce = received("/rotating").get(1);
    assertEquals(after, signedOnce.header("webhook-id"));
    timestamp = Long.parseLong(signedOnce.header("webhook-timestamp"));
    assertEquals(independentSignature(current, after, timestamp, signedOnce.body()),
        signedOnce.header("webhook-signature"));
    assertNotEquals(independentSignature(old, after, timestamp, signedOnce.body()),
        signedOnce.header("webhook-signature"));
  }

  @Test
  @Order(100)
  void onceEverythingIsDeliveredNoTimerNoEntityAndNothingInFlightIsLeft() throws Exception {
    receiver.on("/idle", () -> complete(StatusCodes.NO_CONTENT));
    String id = endpoint("/idle", Map.of()).path("id").asText();
    List<String> messages = List.of(publish(1), publish(2), publish(3));
    for (String messageId : messages) {
      rig.awaitState(workspace, id, messageId, "DELIVERED");
    }
    rig.awaitIdle();
    assertEquals(new WebhookActivity.Snapshot(0, 0, 0, 0), rig.activity.snapshot());
  }
}
