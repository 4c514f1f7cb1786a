package io.sluice.orchestrator.webhook;

import static io.sluice.orchestrator.webhook.WebhookApi.count;
import static io.sluice.orchestrator.webhook.WebhookApi.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.DeliveryState;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publishing and the operations API on PostgreSQL: fan-out and idempotency through POST /v1/events, Sluice's own
 * events through the same path, bad input storing nothing, and deliveries, attempts, dead letters, replays and stats
 * after attempts recorded through the real {@link WebhookLedger}.
 */
class WebhookEventsApiTest {
  private static final String URL = "http://127.0.0.1:9/hooks";
  private static final int MAX_PAYLOAD = 1024;
  private static WebhookApi<RecordingEndpointEntities> api;

  private final String workspace = WebhookApi.newWorkspace();

  @BeforeAll
  static void start() throws Exception {
    api = WebhookApi.recording("WebhookEventsApiTest", "sluice.webhooks.max-payload-bytes = " + MAX_PAYLOAD);
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  private String endpoint(List<String> eventTypes) throws Exception {
    return api.expect(201, workspace, "POST", "/v1/webhooks/endpoints", Map.of("url", URL, "eventTypes", eventTypes))
        .path("id").asText();
  }

  private long messageRows() throws Exception {
    return count("SELECT count(*) FROM webhook_message WHERE workspace_id = ?", workspace);
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void publicationsArrivingTogetherShareTransactionsAndEachGetsItsOwnMessage() throws Exception {
    api.expect(201, workspace, "POST", "/v1/webhooks/event-types", Map.of("name", "order.placed"));
    endpoint(List.of("order.placed"));
    long permitsBefore = api.permitsAcquired();
    List<java.util.concurrent.CompletableFuture<EventPublisher.Published>> published = new java.util.ArrayList<>();
    for (int n = 0; n < 200; n++) {
      published.add(api.publisher.publish(workspace, "order.placed", "{\"order\":" + n + "}", "order-" + n)
          .toCompletableFuture());
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (java.util.concurrent.CompletableFuture<EventPublisher.Published> one : published) {
      EventPublisher.Published publication = await(one);
      assertEquals(1, publication.deliveries());
      ids.add(publication.messageId());
    }
    assertEquals(200, ids.size(), "one message each");
    assertEquals(200, count("SELECT count(*) FROM webhook_delivery WHERE workspace_id = ?", workspace));
    long permits = api.permitsAcquired() - permitsBefore;
    assertTrue(permits < 100, "200 publications took " + permits + " units of work");
  }

  @Test
  void anEventFansOutOnceAndARepeatedKeyReturnsTheFirstMessage() throws Exception {
    api.expect(201, workspace, "POST", "/v1/webhooks/event-types", Map.of("name", "invoice.paid"));
    String all = endpoint(List.of());
    String invoices = endpoint(List.of("invoice.paid"));
    endpoint(List.of("lead.hot"));

    Map<String, Object> event = Map.of("eventType", "invoice.paid", "payload", Map.of("invoice", "in_1",
        "amount", 4200));
    JsonNode published = api.expect(202, workspace, "POST", "/v1/events", event, "Idempotency-Key", "inv-1-paid");
    String messageId = published.path("messageId").asText();
    assertTrue(messageId.startsWith("msg_"), messageId);
    assertEquals(2, published.path("deliveries").asInt());
    assertEquals(false, published.path("duplicate").asBoolean());
    List<RecordingEndpointEntities.Enqueued> told = api.entities.enqueued.stream()
        .filter(enqueued -> enqueued.message().messageId().equals(messageId)).toList();
    assertEquals(List.of(all, invoices), told.stream().map(RecordingEndpointEntities.Enqueued::endpointId).toList());
    OutboundMessage message = told.get(0).message();
    assertEquals("invoice.paid", message.eventType());
    assertEquals(api.json.readTree("{\"invoice\":\"in_1\",\"amount\":4200}"), api.json.readTree(message.payload()));

    JsonNode repeated = api.expect(202, workspace, "POST", "/v1/events", Map.of("eventType", "invoice.paid",
        "payload", Map.of("different", true), "idempotencyKey", "inv-1-paid"));
    assertEquals(messageId, repeated.path("messageId").asText());
    assertTrue(repeated.path("duplicate").asBoolean());
    assertEquals(2, repeated.path("deliveries").asInt());
    assertEquals(1, messageRows(), "a repeated key stores nothing");

    JsonNode read = api.expect(200, workspace, "GET", "/v1/webhooks/messages/" + messageId, null);
    assertEquals(4200, read.path("payload").path("amount").asInt());
    assertEquals("inv-1-paid", read.path("idempotencyKey").asText());
    assertEquals(2, read.path("deliveries").size());
    assertEquals("PENDING", read.path("deliveries").get(0).path("state").asText());
    api.expect(404, WebhookApi.newWorkspace(), "GET", "/v1/webhooks/messages/" + messageId, null);

    assertEquals(List.of(messageId), await(api.ledger.pending(invoices)));
    assertEquals(message, await(api.ledger.messages(List.of(messageId))).get(messageId));
  }

  @Test
  void theAnswerComesOnceStoredAndAnUnansweredEnqueueHasTheEntityReadItsPendingDeliveriesAgain() throws Exception {
    api.expect(201, workspace, "POST", "/v1/webhooks/event-types", Map.of("name", "refund.issued"));
    String answering = endpoint(List.of("refund.issued"));
    String silent = endpoint(List.of("refund.issued"));
    api.entities.unanswered.add(silent);

    JsonNode published = api.expect(202, workspace, "POST", "/v1/events", Map.of("eventType", "refund.issued",
        "payload", Map.of("refund", "re_1")));
    String messageId = published.path("messageId").asText();
    assertEquals(2, published.path("deliveries").asInt());
    assertEquals(List.of(answering, silent), api.entities.enqueued.stream()
        .filter(enqueued -> enqueued.message().messageId().equals(messageId))
        .map(RecordingEndpointEntities.Enqueued::endpointId).toList());
    assertEquals(List.of(silent), api.entities.resynced.stream()
        .filter(endpointId -> endpointId.equals(silent) || endpointId.equals(answering)).toList());
    assertEquals(List.of(messageId), await(api.ledger.pending(silent)), "the delivery the resync will find");
  }

  @Test
  void sluicesOwnEventsTakeTheSamePath() throws Exception {
    String all = endpoint(List.of());
    String id = await(api.publisher.publish(workspace, "campaign.completed", Map.of("campaignId", "c-1"),
        "campaign.completed:c-1"));
    assertEquals(id, await(api.publisher.publish(workspace, "campaign.completed", Map.of("campaignId", "c-1"),
        "campaign.completed:c-1")));
    assertEquals(1, messageRows());
    assertTrue(api.entities.enqueued.contains(new RecordingEndpointEntities.Enqueued(all,
        await(api.ledger.messages(List.of(id))).get(id))));
  }

  @Test
  void badEventsAreRefusedNamingTheFieldAndStoreNothing() throws Exception {
    endpoint(List.of());
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/events", Map.of("eventType", "never.registered",
        "payload", 1)), "eventType"));
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/events", Map.of("payload", 1)), "eventType"));
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/events", Map.of("eventType", "lead.hot")), "payload"));
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/events", "{\"eventType\": \"lead.hot\", "), "body"));
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/events", Map.of("eventType", "lead.hot", "payload", 1,
        "idempotencyKey", "a"), "Idempotency-Key", "b"), "idempotencyKey"));
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/events", Map.of("eventType", "lead.hot", "payload", 1,
        "idempotencyKey", "has spaces")), "idempotencyKey"));
    String big = "x".repeat(MAX_PAYLOAD);
    assertTrue(names(api.expect(413, workspace, "POST", "/v1/events", Map.of("eventType", "lead.hot",
        "payload", big)), "payload"));
    assertTrue(names(api.expect(413, workspace, "POST", "/v1/events", Map.of("eventType", "lead.hot",
        "payload", "y".repeat(MAX_PAYLOAD + EventRoutes.ENVELOPE_BYTES))), "payload"));
    assertEquals(0, messageRows(), "nothing stored on a refusal");
    assertEquals(false, api.expect(202, workspace, "POST", "/v1/events", Map.of("eventType", "lead.hot",
        "payload", "x".repeat(MAX_PAYLOAD - 2))).path("duplicate").asBoolean(), "exactly the limit is accepted");
  }

  @Test
  void deliveriesAttemptsDeadLettersReplaysAndStats() throws Exception {
    String endpointId = endpoint(List.of());
    String base = "/v1/webhooks/endpoints/" + endpointId;
    Instant before = Instant.now().minusSeconds(1);
    List<String> messages = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      messages.add(api.expect(202, workspace, "POST", "/v1/events", Map.of("eventType", "lead.hot",
          "payload", Map.of("n", i))).path("messageId").asText());
    }
    Instant now = Instant.now();
    // Message 0 fails twice and dies, message 1 is delivered on its second attempt, message 2 waits.
    await(api.ledger.record(List.of(
        attempt(endpointId, messages.get(0), 1, 500, DeliveryState.PENDING, now.plusSeconds(5)),
        attempt(endpointId, messages.get(1), 1, 503, DeliveryState.PENDING, now.plusSeconds(5)))));
    await(api.ledger.record(List.of(
        attempt(endpointId, messages.get(0), 2, 500, DeliveryState.DEAD, null),
        attempt(endpointId, messages.get(1), 2, 200, DeliveryState.DELIVERED, null))));

    JsonNode page = api.expect(200, workspace, "GET", base + "/deliveries?limit=2", null);
    assertEquals(List.of(messages.get(2), messages.get(1)), List.of(page.path("deliveries").get(0)
        .path("messageId").asText(), page.path("deliveries").get(1).path("messageId").asText()));
    JsonNode rest = api.expect(200, workspace, "GET", base + "/deliveries?limit=2&cursor="
        + page.path("nextCursor").asText(), null);
    assertEquals(messages.get(0), rest.path("deliveries").get(0).path("messageId").asText());
    assertTrue(rest.path("nextCursor").isNull());
    JsonNode dead = api.expect(200, workspace, "GET", base + "/deliveries?state=dead", null);
    assertEquals(1, dead.path("deliveries").size());
    assertEquals(500, dead.path("deliveries").get(0).path("lastStatus").asInt());

    JsonNode attempts = api.expect(200, workspace, "GET", base + "/messages/" + messages.get(0) + "/attempts", null);
    assertEquals(2, attempts.path("attempts").size());
    assertEquals("FAILED", attempts.path("attempts").get(1).path("kind").asText());
    assertEquals("busy", attempts.path("attempts").get(1).path("responsePrefix").asText());

    JsonNode letters = api.expect(200, workspace, "GET", "/v1/webhooks/dead-letters?endpointId=" + endpointId, null);
    assertEquals(messages.get(0), letters.path("deliveries").get(0).path("messageId").asText());
    assertEquals(1, api.expect(200, workspace, "GET", "/v1/webhooks/dead-letters", null).path("deliveries").size());

    assertEquals(1, api.expect(202, workspace, "POST", base + "/messages/" + messages.get(0) + "/replay", null)
        .path("replayed").asInt());
    assertEquals(new RecordingEndpointEntities.Replayed(endpointId, List.of(messages.get(0))),
        api.entities.replayed.get(api.entities.replayed.size() - 1));
    assertEquals(1, api.expect(202, workspace, "POST", base + "/replay", Map.of("since", before.toString()))
        .path("replayed").asInt());
    assertEquals(0, api.expect(202, workspace, "POST", base + "/replay", Map.of("since",
        Instant.now().plusSeconds(60).toString())).path("replayed").asInt());
    assertEquals("DEAD", api.expect(200, workspace, "GET", "/v1/webhooks/messages/" + messages.get(0), null)
        .path("deliveries").get(0).path("state").asText(), "the entity's next recorded attempt moves it");

    JsonNode stats = api.expect(200, workspace, "GET", base + "/stats?window=PT1H", null);
    assertEquals(4, stats.path("attempts").asInt());
    assertEquals(1, stats.path("delivered").asInt());
    assertEquals(0.25, stats.path("successRate").asDouble(), 1e-9);
    assertEquals(1, stats.path("deliveries").path("DEAD").asInt());
    assertTrue(stats.path("p99Millis").asLong() >= stats.path("p50Millis").asLong());

    for (String[] bad : List.of(new String[] {base + "/deliveries?state=lost", "state"},
        new String[] {base + "/deliveries?cursor=ep_x", "cursor"}, new String[] {base + "/deliveries?limit=501", "limit"},
        new String[] {base + "/stats?window=P90D", "window"}, new String[] {base + "/stats?window=soon", "window"},
        new String[] {"/v1/webhooks/dead-letters?cursor=junk", "cursor"})) {
      assertTrue(names(api.expect(400, workspace, "GET", bad[0], null), bad[1]), bad[0]);
    }
    assertTrue(names(api.expect(400, workspace, "POST", base + "/replay", Map.of("since", "yesterday")), "since"));
    assertTrue(names(api.expect(400, workspace, "POST", base + "/replay", Map.of()), "since"));
    api.expect(404, workspace, "POST", base + "/messages/msg_00000000000000000000000000/replay", null);
    api.expect(404, WebhookApi.newWorkspace(), "GET", base + "/messages/" + messages.get(0) + "/attempts", null);
  }

  private static AttemptRecord attempt(String endpointId, String messageId, int number, int status,
      DeliveryState after, Instant next) {
    boolean ok = status / 100 == 2;
    return new AttemptRecord(endpointId, messageId, number, Instant.now(), new AttemptOutcome(
        ok ? AttemptOutcome.Kind.DELIVERED : AttemptOutcome.Kind.FAILED, status, 10L * number,
        ok ? "ok" : "busy", ok ? null : "HTTP " + status, null), after, next);
  }
}
