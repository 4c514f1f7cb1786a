package io.sluice.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.typed.DispatcherSelector;
import akka.testkit.ExplicitlyTriggeredScheduler;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.orchestrator.JournalTestKit;
import io.sluice.orchestrator.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * The outbound webhooks assembled from their real parts on the real PostgreSQL: the delivery entities under Cluster
 * Sharding on a one-node cluster with the journal on PostgreSQL, reached through {@link ShardedEndpoints}; the
 * {@link WebhookLedger}, the {@link EventPublisher} and the API ({@link WebhookApi}) over the permit facade; the
 * {@link HttpEndpointClient} behind the real {@link ResolvedAddressGuard} allowing 127.0.0.0/8, calling
 * {@link WebhookReceiver}s on loopback.
 *
 * <p>Time: the entities' node runs on {@code ManualTime}, and the one clock of the entities, the ledger, the publisher
 * and the routes reads that virtual time ({@link WebhookFixtures#virtualClock}), so the retry schedule moves only when
 * the test moves it, timers and timestamps in step. The database facade, the API, the HTTP client and the receivers
 * run on the API's own system in real time: an attempt, its time-out included, takes real (short) wall time.
 */
final class WebhookDeliveryRig implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(15);

  final JournalTestKit journal;
  final ActorTestKit entityKit;
  final ManualTime time;
  final Clock clock;
  final WebhookApi<ShardedEndpoints> api;
  final WebhookActivity activity = new WebhookActivity();

  WebhookDeliveryRig(String name, String webhookSettings) throws Exception {
    journal = JournalTestKit.create(name, WebhookFixtures.manualTime());
    entityKit = journal.start();
    time = ManualTime.get(entityKit.system());
    clock = WebhookFixtures.virtualClock(entityKit);
    // Passivation as soon as an entity is idle, as in WebhookFixtures.settings: these tests pin the delivery rules.
    String overrides = "sluice.webhooks { passivate-after-idle = 0s\n" + webhookSettings + " }";
    DestinationGuard guard = new ResolvedAddressGuard(List.of("127.0.0.0/8"));
    ShardedEndpoints endpoints = new ShardedEndpoints(entityKit.system(),
        WebhookFixtures.settings(webhookSettings).askTimeout());
    api = new WebhookApi<>(name + "-api", overrides, endpoints, guard, clock);
    HttpEndpointClient client = new HttpEndpointClient(api.testKit.system(), api.settings, guard,
        api.testKit.system().dispatchers().lookup(DispatcherSelector.blocking()), clock);
    WebhookEndpoint.init(entityKit.system(), new WebhookPorts(client, api.ledger, api.publisher, activity,
        api.settings, clock, new Random()));
    awaitShardingReady();
  }

  /**
   * The shard region registers with its coordinator on retries of the (virtual) scheduler: moves time along until an
   * entity answers, here the refusal of an endpoint that does not exist.
   */
  private void awaitShardingReady() throws Exception {
    ExplicitlyTriggeredScheduler scheduler =
        (ExplicitlyTriggeredScheduler) entityKit.system().classicSystem().scheduler();
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      CompletableFuture<?> answer = api.entities.replay("warm-up-" + UUID.randomUUID(), List.of("m"))
          .toCompletableFuture();
      JournalTestKit.moveAlongUntil(scheduler, answer);
      try {
        answer.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof EndpointRefusedException) {
          return;
        }
      }
    }
    throw new AssertionError("sharding did not start within " + WAIT);
  }

  WebhookReceiver receiver() throws Exception {
    return new WebhookReceiver(api.testKit.system());
  }

  Instant now() {
    return clock.instant();
  }

  /** Creates an endpoint of the workspace through the API; {@code fields} over the URL. Its id and secret. */
  JsonNode endpoint(String workspace, String url, Map<String, Object> fields) throws Exception {
    Map<String, Object> body = new HashMap<>(fields);
    body.put("url", url);
    return api.expect(201, workspace, "POST", "/v1/webhooks/endpoints", body);
  }

  /**
   * Publishes through {@code POST /v1/events}; answers the message id once it is stored (the entities are told after
   * the answer: wait for an attempt or a state, not for the answer).
   */
  String publish(String workspace, String eventType, Map<String, Object> payload) throws Exception {
    return api.expect(202, workspace, "POST", "/v1/events", Map.of("eventType", eventType, "payload", payload))
        .path("messageId").asText();
  }

  /** The message's attempts at the endpoint, through the operations API, in attempt order. */
  List<JsonNode> attempts(String workspace, String endpointId, String messageId) throws Exception {
    List<JsonNode> attempts = new ArrayList<>();
    api.expect(200, workspace, "GET", "/v1/webhooks/endpoints/" + endpointId + "/messages/" + messageId
        + "/attempts", null).path("attempts").forEach(attempts::add);
    return attempts;
  }

  /** The message's delivery at the endpoint, through the operations API. */
  JsonNode delivery(String workspace, String endpointId, String messageId) throws Exception {
    for (JsonNode delivery : api.expect(200, workspace, "GET", "/v1/webhooks/messages/" + messageId, null)
        .path("deliveries")) {
      if (delivery.path("endpointId").asText().equals(endpointId)) {
        return delivery;
      }
    }
    throw new AssertionError("no delivery of " + messageId + " at " + endpointId);
  }

  /** Read straight from the table, for polling. */
  static long attemptRows(String endpointId, String messageId) throws Exception {
    try (Connection observer = TestDatabase.observer(); PreparedStatement select = observer.prepareStatement(
        "SELECT count(*) FROM webhook_attempt WHERE endpoint_id = ? AND message_id = ?")) {
      select.setString(1, endpointId);
      select.setString(2, messageId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** Waits until the message has {@code count} attempts recorded at the endpoint and nothing is in flight. */
  void awaitAttempts(String endpointId, String messageId, int count) {
    awaitTrue(count + " attempts of " + messageId + " recorded", () -> {
      try {
        return attemptRows(endpointId, messageId) >= count && activity.snapshot().inFlight() == 0;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
  }

  void awaitState(String workspace, String endpointId, String messageId, String state) {
    awaitTrue(messageId + " " + state + " at " + endpointId, () -> {
      try {
        return state.equals(delivery(workspace, endpointId, messageId).path("state").asText());
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
  }

  /**
   * Moves virtual time once {@code timers} entities hold their timer and nothing is in flight. Move it exactly to the
   * next due time: the scheduler runs the cluster's ticks as it moves, so an entity woken before the end of a longer
   * move may read a time within it.
   */
  void advance(Duration duration, int timers) {
    awaitTrue(timers + " timer(s) armed, nothing in flight", () -> activity.snapshot().timers() == timers
        && activity.snapshot().inFlight() == 0);
    time.timePasses(duration);
  }

  /** Waits for every entity to have passivated: no entity, timer, attempt or pending message left on the node. */
  void awaitIdle() {
    awaitTrue("idle, now " + activity.snapshot(),
        () -> activity.snapshot().equals(new WebhookActivity.Snapshot(0, 0, 0, 0)));
  }

  void awaitTrue(String what, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(WAIT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + WAIT + ": " + what + "; activity " + activity.snapshot());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The instants of the message's attempts as the operations API lists them. */
  List<Instant> startTimes(List<JsonNode> attempts) {
    return attempts.stream().map(attempt -> Instant.parse(attempt.path("startedAt").asText())).toList();
  }

  static void assertAttempt(JsonNode attempt, int number, String kind, int status) {
    assertEquals(number, attempt.path("attemptNumber").asInt(), attempt::toString);
    assertEquals(kind, attempt.path("kind").asText(), attempt::toString);
    assertEquals(status, attempt.path("status").asInt(), attempt::toString);
  }

  @Override
  public void close() throws Exception {
    journal.close();
    api.close();
  }
}
