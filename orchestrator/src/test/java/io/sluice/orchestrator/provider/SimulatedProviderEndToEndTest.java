package io.sluice.orchestrator.provider;

import static io.sluice.orchestrator.provider.ProviderFixtures.VALID_NUMBER;
import static io.sluice.orchestrator.provider.ProviderFixtures.call;
import static io.sluice.orchestrator.provider.ProviderFixtures.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import io.sluice.config.ProviderSettings;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole loop on loopback: the client places calls with the simulated provider, which posts signed outcome events,
 * every one of them twice, to the webhook route; PostgreSQL lets each reach the consumer once.
 */
class SimulatedProviderEndToEndTest {
  private static final int CALLS = 8;
  private static final String RUN = java.util.UUID.randomUUID().toString();
  private static ActorTestKit testKit;
  private static InboxDatabase inbox;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("SimulatedProviderEndToEndTest");
    inbox = new InboxDatabase(testKit);
  }

  @AfterAll
  static void stop() {
    inbox.close();
    testKit.shutdownTestKit();
  }

  @Test
  void everyCallsOutcomeReachesTheConsumerOnceAlthoughDeliveredTwice() throws Exception {
    String secret = StandardWebhooks.generateSecret();
    Queue<ProviderEvent> consumed = new ConcurrentLinkedQueue<>();
    ProviderWebhookRoute webhook = new ProviderWebhookRoute(testKit.system(), new StandardWebhooks(secret),
        inbox.database, null, event -> {
          consumed.add(event);
          return CompletableFuture.completedFuture(Done.getInstance());
        }, Clock.systemUTC());
    ServerBinding sluice = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(webhook.route())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    String callbackUrl = "http://127.0.0.1:" + sluice.localAddress().getPort() + "/v1/provider/events";
    ProviderSettings.Simulated simulated = ProviderFixtures.simulated(Duration.ofMillis(300), CALLS,
        Duration.ofSeconds(1), Map.of(CallOutcome.ANSWERED, 1.0, CallOutcome.VOICEMAIL, 1.0,
            CallOutcome.NO_ANSWER, 1.0), 0.0, 1.0);
    SimulatedProvider provider = SimulatedProvider.start(testKit.system(), simulated, secret)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    CallProviderClient client = new CallProviderClient(testKit.system(),
        client(provider.url(), callbackUrl, 50, 2, 100));

    Map<String, PlaceCall> callsById = new HashMap<>();
    List<PlaceCall> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      calls.add(call("c-e2e-" + RUN, VALID_NUMBER, callbackUrl));
    }
    for (PlaceCall call : calls) {
      InboxDatabase.placed(call.campaignId(), call.leadId(), call.idempotencyKey());
      PlaceCallResult result = client.placeCall(call).toCompletableFuture().get(5, TimeUnit.SECONDS);
      callsById.put(assertInstanceOf(PlaceCallResult.Placed.class, result).callId(), call);
    }

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (provider.eventsDelivered() < 2 * CALLS && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(2 * CALLS, provider.eventsDelivered(), "every event acknowledged twice");
    Thread.sleep(200); // a second hand-over would have happened by now

    assertEquals(CALLS, consumed.size(), "one hand-over per call");
    for (ProviderEvent event : consumed) {
      PlaceCall call = callsById.get(event.callId());
      assertEquals(call.idempotencyKey(), event.idempotencyKey());
      assertEquals(call.leadId(), event.leadId());
      assertEquals(1, event.attempt());
      assertTrue(event.status() == CallOutcome.ANSWERED ? event.score() != null : event.score() == null);
      assertEquals(1, InboxDatabase.processed(event.eventId()));
    }
    assertTrue(provider.keysByLeadAttempt().values().stream().allMatch(keys -> keys.size() == 1));
    assertEquals(0, provider.inFlight());
    sluice.unbind();
    provider.stop();
  }
}
