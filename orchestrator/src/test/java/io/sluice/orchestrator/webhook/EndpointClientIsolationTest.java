package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.completeWithFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.model.StatusCodes;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.AttemptOutcome.Kind;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A slow or hanging receiver never delays other endpoints: two endpoints on one loopback server (one host and port,
 * different paths), the first saturated with attempts that hang, the second still answered at once.
 */
class EndpointClientIsolationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(4);
  /** Well under the timeout: an attempt of B that waited for one of A's connections would take the timeout. */
  private static final Duration QUICK = Duration.ofSeconds(1);
  /** Akka HTTP's default max-connections per shared host pool: A alone would fill a shared pool. */
  private static final int CONCURRENCY = 4;

  private static ActorTestKit testKit;

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create("EndpointClientIsolationTest");
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  private static EndpointConfig endpoint(String id, String url) {
    return new EndpointConfig(id, "ws-1", url, List.of(StandardWebhooks.generateSecret()), true, false,
        CONCURRENCY, 0, DeliveryOrdering.UNORDERED);
  }

  private static OutboundMessage message(int n) {
    return new OutboundMessage("msg_" + n, "lead.hot", Instant.now(), "{\"n\":" + n + "}");
  }

  @Test
  void aHangingEndpointDoesNotDelayAnotherOnTheSameHostAndPort() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(testKit.system())) {
      receiver.on("/a", () -> completeWithFuture(new CompletableFuture<>()));
      receiver.on("/b", () -> complete(StatusCodes.OK));
      HttpEndpointClient client = new HttpEndpointClient(testKit.system(),
          EndpointClientTest.settings(TIMEOUT, 1024), new ResolvedAddressGuard(List.of("127.0.0.0/8")),
          testKit.system().dispatchers().lookup(DispatcherSelector.blocking()), Clock.systemUTC());
      EndpointConfig hanging = endpoint("ep-a", receiver.url("/a"));
      EndpointConfig healthy = endpoint("ep-b", receiver.url("/b"));

      List<CompletableFuture<AttemptOutcome>> stuck = new ArrayList<>();
      for (int n = 0; n < CONCURRENCY; n++) {
        stuck.add(client.send(hanging, message(n), Instant.now()).toCompletableFuture());
      }
      long deadline = System.nanoTime() + QUICK.toNanos();
      while (receiver.count("/a") < CONCURRENCY && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(CONCURRENCY, receiver.count("/a"), "A has every connection it may have busy");

      long start = System.nanoTime();
      List<CompletableFuture<AttemptOutcome>> answered = new ArrayList<>();
      for (int n = 0; n < 2 * CONCURRENCY; n++) {
        answered.add(client.send(healthy, message(100 + n), Instant.now()).toCompletableFuture());
      }
      CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new))
          .get(QUICK.toMillis(), TimeUnit.MILLISECONDS);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      for (CompletableFuture<AttemptOutcome> outcome : answered) {
        assertEquals(Kind.DELIVERED, outcome.get().kind(), outcome.get().toString());
      }
      assertTrue(tookMillis < QUICK.toMillis(), "B took " + tookMillis + " ms");
      assertTrue(stuck.stream().noneMatch(CompletableFuture::isDone), "A was still hanging meanwhile");
      assertEquals(2 * CONCURRENCY, receiver.count("/b"));

      for (CompletableFuture<AttemptOutcome> outcome : stuck) {
        assertEquals(Kind.TIMED_OUT, outcome.get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS).kind());
      }
    }
  }
}
