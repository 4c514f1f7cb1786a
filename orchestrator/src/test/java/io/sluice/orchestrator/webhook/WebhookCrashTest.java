package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.it.ServiceApi;
import io.sluice.orchestrator.it.ServiceProcess;
import io.sluice.orchestrator.signing.StandardWebhooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service as a separate JVM on the real PostgreSQL, killed with {@code kill -9} while every message it published
 * is waiting for a retry, and started again: every message reaches the receiver (in the test's JVM, so that it
 * outlives the service) with a valid signature, under the {@code webhook-id} it was published with, and is
 * acknowledged exactly once.
 */
class WebhookCrashTest {
  private static final String ADMIN_KEY = "crash-test-admin-key-0123456789abcdef";
  private static final int MESSAGES = 12;
  private static final String PATH = "/hook";

  private static ActorTestKit testKit;
  private static WebhookReceiver receiver;

  /** Under target/, not a temporary folder: the two services' logs stay for a failure's diagnosis. */
  private final Path data = Path.of("target", "webhook-crash-test-" + UUID.randomUUID());

  @BeforeAll
  static void startReceiver() throws Exception {
    testKit = ActorTestKit.create("WebhookCrashTest", ConfigFactory.parseString("akka.actor.provider = local"));
    receiver = new WebhookReceiver(testKit.system());
  }

  @AfterAll
  static void stopReceiver() throws Exception {
    receiver.close();
    testKit.shutdownTestKit();
  }

  @Test
  void messagesWaitingForTheirRetryAtAKillAreDeliveredAfterRestartUnderTheirOwnIds() throws Exception {
    int port = ServiceProcess.freePort();
    Files.createDirectories(data);
    Map<String, String> env = ServiceProcess.baseEnvironment(port, ADMIN_KEY, data);
    env.put("SLUICE_WEBHOOKS_ALLOW_ADDRESSES", "127.0.0.0/8");
    // The second attempt is due 4 s after the first failure: long enough to kill the service before it.
    env.put("SLUICE_WEBHOOKS_RETRY_SCHEDULE", "0s,4s,1s,1s,1s");
    env.put("SLUICE_WEBHOOKS_JITTER", "0");
    receiver.on(PATH, () -> complete(StatusCodes.INTERNAL_SERVER_ERROR));

    ServiceApi api = new ServiceApi(port);
    Set<String> published = new TreeSet<>();
    String secret;
    try (ServiceProcess first = ServiceProcess.start(env, data.resolve("first.log"), Duration.ofSeconds(120))) {
      api.inNewWorkspace(ADMIN_KEY);
      api.send("POST", "/v1/webhooks/event-types", Map.of("name", "order.created"), 201);
      JsonNode endpoint = api.send("POST", "/v1/webhooks/endpoints",
          Map.of("url", receiver.url(PATH), "eventTypes", List.of("order.created")), 201);
      secret = endpoint.path("secret").asText();
      for (int n = 0; n < MESSAGES; n++) {
        published.add(api.send("POST", "/v1/events",
            Map.of("eventType", "order.created", "payload", Map.of("order", n)), 202).path("messageId").asText());
      }
      awaitReceived(() -> firstAttempts().size() == MESSAGES, Duration.ofSeconds(30));
      first.kill();
    }
    assertEquals(published, firstAttempts(), "the first attempts came under the published ids");
    // Nothing reaches the receiver between the kill and the restart: every request from here on is acknowledged.
    int beforeRestart = receiver.received().size();
    receiver.on(PATH, () -> complete(StatusCodes.OK));

    try (ServiceProcess second = ServiceProcess.start(env, data.resolve("second.log"), Duration.ofSeconds(120))) {
      awaitReceived(() -> acknowledged(beforeRestart).size() == MESSAGES, Duration.ofSeconds(60));
      // Late duplicates would show up within a moment of the last delivery.
      Thread.sleep(2_000);
      Map<String, Long> acknowledgements = acknowledged(beforeRestart).stream()
          .collect(Collectors.groupingBy(request -> request.header("webhook-id"), Collectors.counting()));
      assertEquals(published, acknowledgements.keySet(), "every message, and only those, under its own id");
      acknowledgements.forEach((id, times) -> assertEquals(1L, times, id + " acknowledged " + times + " times"));
      StandardWebhooks verifier = new StandardWebhooks(secret);
      for (WebhookReceiver.Received request : receiver.received()) {
        assertDoesNotThrow(() -> verifier.verify(request.header("webhook-id"), request.header("webhook-timestamp"),
            request.header("webhook-signature"), request.body()), "a request with a bad signature: " + request);
      }
      for (String id : published) {
        JsonNode message = api.send("GET", "/v1/webhooks/messages/" + id, null, 200);
        assertTrue(message.toString().contains("DELIVERED"), "message " + id + " is not DELIVERED: " + message);
      }
    }
  }

  private static Set<String> firstAttempts() {
    return receiver.received().stream().map(request -> request.header("webhook-id"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<WebhookReceiver.Received> acknowledged(int from) {
    List<WebhookReceiver.Received> all = receiver.received();
    return all.subList(from, all.size());
  }

  private static void awaitReceived(java.util.function.BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + timeout + "; the receiver got " + receiver.received());
      }
      Thread.sleep(100);
    }
  }
}
