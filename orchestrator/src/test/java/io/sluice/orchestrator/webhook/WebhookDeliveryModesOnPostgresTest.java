package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.headerValueByName;
import static io.sluice.orchestrator.webhook.WebhookDeliveryRig.assertAttempt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * More deliveries by the real parts together on PostgreSQL ({@link WebhookDeliveryRig}): the ways an attempt fails
 * over real connections, each recorded with its kind and its retry scheduled; ordered and unordered endpoints with
 * one message failing. Settings as {@link WebhookDeliveryOnPostgresTest}'s.
 */
class WebhookDeliveryModesOnPostgresTest {
  private static final int HUGE_CHUNK = 256 * 1024;
  private static final int HUGE_CHUNKS = 32;
  private static WebhookDeliveryRig rig;
  private static WebhookReceiver receiver;

  private final String workspace = WebhookApi.newWorkspace();

  @BeforeAll
  static void start() throws Exception {
    rig = new WebhookDeliveryRig("WebhookDeliveryModesOnPostgresTest", WebhookDeliveryOnPostgresTest.SETTINGS);
    receiver = rig.receiver();
  }

  @AfterAll
  static void stop() throws Exception {
    receiver.close();
    rig.close();
  }

  private String endpoint(String url, Map<String, Object> fields) throws Exception {
    Map<String, Object> withTypes = new java.util.HashMap<>(fields);
    withTypes.put("eventTypes", List.of("lead.hot"));
    return rig.endpoint(workspace, url, withTypes).path("id").asText();
  }

  private String publish(int lead) throws Exception {
    return rig.publish(workspace, "lead.hot", Map.of("lead", "l-" + lead));
  }

  private void pause(String endpointId, boolean paused) throws Exception {
    rig.api.expect(200, workspace, "POST", "/v1/webhooks/endpoints/" + endpointId + (paused ? "/pause" : "/resume"),
        null);
  }

  private List<String> receivedIds(String path) {
    return receiver.received().stream().filter(request -> request.path().equals(path))
        .map(request -> request.header("webhook-id")).toList();
  }

  @Test
  void aTimeOutAResetARedirectAndAHugeBodyAreFailedAttemptsOfTheirKindWithTheRetryScheduled() throws Exception {
    byte[] chunk = new byte[HUGE_CHUNK];
    Arrays.fill(chunk, (byte) 'a');
    receiver.on("/hang", () -> completeWithFuture(new CompletableFuture<>()));
    receiver.on("/moved", () -> complete(HttpResponse.create().withStatus(302)
        .addHeader(Location.create(receiver.url("/target")))));
    receiver.on("/target", () -> complete(StatusCodes.OK));
    receiver.on("/huge", () -> complete(HttpResponse.create().withStatus(500).withEntity(
        HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, (long) HUGE_CHUNK * HUGE_CHUNKS,
            Source.repeat(ByteString.fromArray(chunk)).take(HUGE_CHUNKS)))));
    try (ResettingReceiver resetting = new ResettingReceiver()) {
      String hang = endpoint(receiver.url("/hang"), Map.of());
      String reset = endpoint(resetting.url("/reset"), Map.of());
      String moved = endpoint(receiver.url("/moved"), Map.of());
      String huge = endpoint(receiver.url("/huge"), Map.of());
      List<String> endpoints = List.of(hang, reset, moved, huge);
      Instant t0 = rig.now();
      String messageId = publish(1);
      for (String endpointId : endpoints) {
        rig.awaitAttempts(endpointId, messageId, 1);
      }

      JsonNode timedOut = rig.attempts(workspace, hang, messageId).get(0);
      assertAttempt(timedOut, 1, "TIMED_OUT", 0);
      assertEquals("no complete answer within PT2S", timedOut.path("error").asText());
      assertTrue(timedOut.path("latencyMillis").asLong() >= 2000, timedOut::toString);
      JsonNode wasReset = rig.attempts(workspace, reset, messageId).get(0);
      assertAttempt(wasReset, 1, "FAILED", 0);
      assertTrue(wasReset.path("error").asText().contains("Connection reset"), wasReset::toString);
      assertEquals(1, resetting.accepted());
      JsonNode redirected = rig.attempts(workspace, moved, messageId).get(0);
      assertAttempt(redirected, 1, "FAILED", 302);
      assertEquals("HTTP 302 Found: redirects are not followed", redirected.path("error").asText());
      assertEquals(0, receiver.count("/target"), "the redirect was not followed");
      JsonNode cut = rig.attempts(workspace, huge, messageId).get(0);
      assertAttempt(cut, 1, "FAILED", 500);
      assertEquals("a".repeat(rig.api.settings.responseBodyLimit()), cut.path("responsePrefix").asText(),
          "the stored prefix is the first response-body-limit bytes");
      for (String endpointId : endpoints) {
        JsonNode delivery = rig.delivery(workspace, endpointId, messageId);
        assertEquals("PENDING", delivery.path("state").asText(), delivery::toString);
        assertEquals(1, delivery.path("attempts").asInt(), delivery::toString);
        assertEquals(t0.plusSeconds(5).toString(), delivery.path("nextAttemptAt").asText(), delivery::toString);
      }
      rig.awaitTrue("each endpoint's retry timer", () -> rig.activity.snapshot().timers() == 4);

      for (String endpointId : endpoints) {
        rig.api.expect(200, workspace, "PATCH", "/v1/webhooks/endpoints/" + endpointId, Map.of("enabled", false));
      }
      rig.awaitIdle();
    }
  }

  @Test
  void anOrderedEndpointDeliversInPublishOrderWhileItsHeadIsRetried() throws Exception {
    AtomicReference<String> head = new AtomicReference<>();
    AtomicInteger headFailures = new AtomicInteger();
    receiver.on("/ordered", () -> headerValueByName("webhook-id", id ->
        id.equals(head.get()) && headFailures.getAndIncrement() < 2
            ? complete(StatusCodes.INTERNAL_SERVER_ERROR) : complete(StatusCodes.OK)));
    String id = endpoint(receiver.url("/ordered"), Map.of("ordering", "ordered"));
    pause(id, true);
    List<String> messages = List.of(publish(1), publish(2), publish(3), publish(4));
    head.set(messages.get(0));
    Instant t0 = rig.now();
    pause(id, false);

    rig.awaitAttempts(id, messages.get(0), 1);
    rig.advance(Duration.ofSeconds(5), 1);
    rig.awaitAttempts(id, messages.get(0), 2);
    rig.advance(Duration.ofMinutes(1), 1);
    for (String messageId : messages) {
      rig.awaitState(workspace, id, messageId, "DELIVERED");
    }

    assertEquals(List.of(messages.get(0), messages.get(0), messages.get(0), messages.get(1), messages.get(2),
        messages.get(3)), receivedIds("/ordered"), "nothing passed the head while it was retried");
    for (String messageId : messages.subList(1, 4)) {
      List<JsonNode> attempts = rig.attempts(workspace, id, messageId);
      assertEquals(1, attempts.size(), attempts::toString);
      assertAttempt(attempts.get(0), 1, "DELIVERED", 200);
      assertEquals(List.of(t0.plusSeconds(65)), rig.startTimes(attempts));
    }
    rig.awaitIdle();
  }

  @Test
  void anUnorderedEndpointKeepsDeliveringWhileOneMessageFailsAndAFailingEndpointDelaysNoOther() throws Exception {
    AtomicReference<String> failing = new AtomicReference<>();
    receiver.on("/unordered", () -> headerValueByName("webhook-id", id -> id.equals(failing.get())
        ? complete(StatusCodes.INTERNAL_SERVER_ERROR) : complete(StatusCodes.OK)));
    receiver.on("/down", () -> complete(StatusCodes.SERVICE_UNAVAILABLE));
    String id = endpoint(receiver.url("/unordered"), Map.of());
    String down = endpoint(receiver.url("/down"), Map.of());
    pause(id, true);
    List<String> messages = List.of(publish(1), publish(2), publish(3), publish(4));
    failing.set(messages.get(0));
    pause(id, false);

    for (String messageId : messages.subList(1, 4)) {
      rig.awaitState(workspace, id, messageId, "DELIVERED");
      assertEquals(1, rig.attempts(workspace, id, messageId).size());
    }
    rig.awaitAttempts(id, messages.get(0), 1);
    assertEquals("PENDING", rig.delivery(workspace, id, messages.get(0)).path("state").asText());
    for (String messageId : messages) {
      rig.awaitAttempts(down, messageId, 1);
      assertEquals("PENDING", rig.delivery(workspace, down, messageId).path("state").asText());
    }

    failing.set(null);
    rig.advance(Duration.ofSeconds(5), 2);
    rig.awaitState(workspace, id, messages.get(0), "DELIVERED");
    assertAttempt(rig.attempts(workspace, id, messages.get(0)).get(1), 2, "DELIVERED", 200);
    assertEquals(5, receivedIds("/unordered").size());
    rig.api.expect(200, workspace, "PATCH", "/v1/webhooks/endpoints/" + down, Map.of("enabled", false));
    rig.awaitIdle();
  }
}
