package io.sluice.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.sluice.orchestrator.JournalTestKit;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.DeliveryState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The entities under Cluster Sharding on a one-node cluster with the real journal: {@link ShardedEndpoints} reaches
 * them, an entity with nothing left passivates itself through its shard and the next message starts it again, and a
 * deleted endpoint's entity refuses.
 */
class ShardedEndpointsTest {
  private static final JournalTestKit journal = JournalTestKit.create("ShardedEndpointsTest");
  private static final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
  private static final ScriptedEndpointClient client = new ScriptedEndpointClient(Clock.systemUTC());
  private static final WebhookActivity activity = new WebhookActivity();
  private static ShardedEndpoints endpoints;

  @BeforeAll
  static void start() throws Exception {
    ActorTestKit testKit = journal.start();
    WebhookPorts ports = new WebhookPorts(client, ledger, new RecordingOperationalEvents(), activity,
        WebhookFixtures.settings(""), Clock.systemUTC(), new Random());
    WebhookEndpoint.init(testKit.system(), ports);
    endpoints = new ShardedEndpoints(testKit.system(), ports.settings().askTimeout());
  }

  @AfterAll
  static void stop() {
    journal.close();
  }

  @Test
  void enqueuedMessagesAreDeliveredAndTheIdleEntityPassivatesAndStartsAgain() throws Exception {
    String endpointId = "ep-" + UUID.randomUUID();
    ledger.put(WebhookFixtures.endpoint(endpointId, 5, 0, DeliveryOrdering.UNORDERED));
    endpoints.enqueue(endpointId, WebhookFixtures.message(endpointId + "-m1", "lead.hot"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    await(() -> delivered(endpointId) == 1 && activity.snapshot().entities() == 0);

    endpoints.enqueue(endpointId, WebhookFixtures.message(endpointId + "-m2", "lead.hot"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    await(() -> delivered(endpointId) == 2 && activity.snapshot().entities() == 0);
    assertEquals(new WebhookActivity.Snapshot(0, 0, 0, 0), activity.snapshot());
  }

  @Test
  void aDeletedEndpointsEntityRefuses() {
    String endpointId = "ep-" + UUID.randomUUID();
    CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () ->
        endpoints.replay(endpointId, java.util.List.of("m1")).toCompletableFuture().join());
    assertInstanceOf(EndpointRefusedException.class, refused.getCause());
  }

  private static long delivered(String endpointId) {
    return ledger.records().stream().filter(record -> record.endpointId().equals(endpointId)
        && record.stateAfter() == DeliveryState.DELIVERED).count();
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 15 s; records " + ledger.records() + ", " + activity.snapshot());
      }
      Thread.sleep(20);
    }
  }
}
