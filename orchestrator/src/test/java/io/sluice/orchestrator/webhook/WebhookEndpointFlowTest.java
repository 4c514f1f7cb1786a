package io.sluice.orchestrator.webhook;

import static io.sluice.orchestrator.webhook.ScriptedEndpointClient.failed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.sluice.orchestrator.JournalTestKit;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.DeliveryState;
import io.sluice.protocols.webhook.EndpointCommand;
import io.sluice.protocols.webhook.EndpointReply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delivery entity's flow control in virtual time on the real journal: ordering, concurrency, rate limit, pause,
 * passivation, recovery and the group commit.
 */
class WebhookEndpointFlowTest {
  private static final JournalTestKit journal =
      JournalTestKit.create("WebhookEndpointFlowTest", WebhookFixtures.manualTime());
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = journal.startLocal();
  }

  @AfterAll
  static void stop() {
    journal.close();
  }

  private static EndpointRig rig(String settings, int maxConcurrency, int rateLimit, DeliveryOrdering ordering) {
    return new EndpointRig(testKit, WebhookFixtures.settings(settings), maxConcurrency, rateLimit, ordering).start();
  }

  private static List<String> ids(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> "m" + i).toList();
  }

  @Test
  void orderedDeliveryKeepsPublishOrderWhileTheHeadIsRetried() {
    EndpointRig rig = rig("retry-schedule = [0s, 5s, 5s, 5s]", 5, 0, DeliveryOrdering.ORDERED);
    rig.client.script("m1", failed(500), failed(500));
    rig.client.script("m3", failed(500));
    ids(4).forEach(rig::publish);
    while (rig.recordsIn(DeliveryState.DELIVERED).size() < 4) {
      rig.awaitTrue("a retry waits or all are delivered", () -> rig.activity.snapshot().timers() == 1
          || rig.recordsIn(DeliveryState.DELIVERED).size() == 4);
      if (rig.activity.snapshot().timers() == 1) {
        rig.advance(Duration.ofSeconds(5));
      }
    }

    assertEquals(List.of("m1", "m1", "m1", "m2", "m3", "m3", "m4"),
        rig.client.sent().stream().map(ScriptedEndpointClient.Sent::messageId).toList());
    assertEquals(ids(4), rig.recordsIn(DeliveryState.DELIVERED).stream().map(AttemptRecord::messageId).toList());
  }

  @Test
  void unorderedDeliveryKeepsTheOthersFlowingWhileOneFails() {
    EndpointRig rig = rig("retry-schedule = [0s, 5s, 5s]", 2, 0, DeliveryOrdering.UNORDERED);
    rig.client.script("m1", failed(500), failed(500));
    Instant t0 = rig.now();
    ids(5).forEach(rig::publish);
    rig.awaitRecords(DeliveryState.DELIVERED, 4);

    assertEquals(List.of(t0), rig.client.sendTimes("m1"), "m1 waits for its retry");
    for (String id : List.of("m2", "m3", "m4", "m5")) {
      assertEquals(List.of(t0), rig.client.sendTimes(id), id + " went out at once");
    }
    rig.advance(Duration.ofSeconds(5));
    rig.awaitSends(6);
    rig.advance(Duration.ofSeconds(5));
    rig.awaitRecords(DeliveryState.DELIVERED, 5);
    assertEquals(List.of(t0, t0.plusSeconds(5), t0.plusSeconds(10)), rig.client.sendTimes("m1"));
  }

  @Test
  void noMoreThanMaxConcurrencyAttemptsAreEverInFlight() {
    EndpointRig rig = rig("", 3, 0, DeliveryOrdering.UNORDERED);
    rig.client.hold();
    ids(10).forEach(rig::publish);
    int released = 0;
    while (released < 10) {
      int expected = Math.min(3, 10 - released);
      rig.awaitTrue(expected + " attempts held", () -> rig.client.heldCount() == expected);
      rig.sync();
      assertEquals(expected, rig.client.heldCount(), "no fourth attempt while three are held");
      rig.client.release();
      released += expected;
    }
    rig.awaitRecords(DeliveryState.DELIVERED, 10);
    assertEquals(3, rig.client.mostHeld());
    assertEquals(10, rig.client.sent().size());
  }

  @Test
  void theRateLimitSpacesAttemptStarts() {
    EndpointRig rig = rig("", 100, 4, DeliveryOrdering.UNORDERED);
    Instant t0 = rig.now();
    ids(10).forEach(rig::publish);
    while (rig.client.sent().size() < 10) {
      rig.advance(Duration.ofMillis(250));
    }
    rig.awaitRecords(DeliveryState.DELIVERED, 10);

    List<Instant> starts = rig.client.sent().stream().map(ScriptedEndpointClient.Sent::at).toList();
    assertEquals(IntStream.range(0, 10).mapToObj(i -> t0.plusMillis(250L * i)).toList(), starts);
  }

  @Test
  void aPausedEndpointHoldsItsMessagesWithNoTimerAndResumingReleasesThem() {
    EndpointRig rig = rig("", 10, 0, DeliveryOrdering.UNORDERED);
    rig.reconfigure(WebhookFixtures.config(rig.config(), true, true));
    rig.publish("m1");
    rig.publish("m2");
    rig.awaitTrue("both held", () -> rig.activity.snapshot().equals(new WebhookActivity.Snapshot(1, 0, 0, 2)));
    rig.awaitPassivation();

    assertEquals(List.of(), rig.client.sent());
    rig.reconfigure(WebhookFixtures.config(rig.config(), true, false));
    rig.awaitRecords(DeliveryState.DELIVERED, 2);
    rig.awaitTrue("all delivered", () -> rig.activity.snapshot().equals(new WebhookActivity.Snapshot(1, 0, 0, 0)));
  }

  @Test
  void anEntityStaysUpForTheIdleGraceWithOneTimerThenAsksToBePassivated() {
    EndpointRig rig = new EndpointRig(testKit, WebhookFixtures.settings("passivate-after-idle = 5s"), 10, 0,
        DeliveryOrdering.UNORDERED).started();
    rig.advance(Duration.ofSeconds(5));
    rig.awaitPassivation();
    rig.publish("m1");
    rig.awaitRecords(DeliveryState.DELIVERED, 1);
    rig.awaitTrue("the idle grace is the one timer", () -> rig.activity.snapshot().timers() == 1);
    rig.shard.expectNoMessage(Duration.ofMillis(200));

    rig.advance(Duration.ofSeconds(3));
    rig.publish("m2");
    rig.awaitRecords(DeliveryState.DELIVERED, 2);
    rig.advance(Duration.ofSeconds(3));
    rig.shard.expectNoMessage(Duration.ofMillis(200));
    assertEquals(1, rig.activity.snapshot().timers(), "new work restarted the grace");

    rig.advance(Duration.ofSeconds(2));
    rig.awaitPassivation();
    rig.awaitTrue("the node's activity settles at one entity, nothing else",
        () -> rig.activity.snapshot().equals(new WebhookActivity.Snapshot(1, 0, 0, 0)));
    assertInstanceOf(EndpointReply.Accepted.class, rig.enqueue(WebhookFixtures.message("m1", "lead.hot")));
    rig.sync();
    assertEquals(2, rig.client.sendTimes("m1").size() + rig.client.sendTimes("m2").size(),
        "a late enqueue of a delivered message sends nothing");
  }

  @Test
  void anIdleEntityHoldsNoTimerAndAsksToBePassivated() {
    EndpointRig rig = rig("", 10, 0, DeliveryOrdering.UNORDERED);
    rig.publish("m1");
    rig.awaitRecords(DeliveryState.DELIVERED, 1);
    rig.awaitPassivation();

    rig.awaitTrue("the node's activity settles at one entity, nothing else",
        () -> rig.activity.snapshot().equals(new WebhookActivity.Snapshot(1, 0, 0, 0)));
    assertTrue(rig.activity.snapshot().quiet());
    rig.restart();
    rig.awaitTrue("the stopped incarnation took its share back",
        () -> rig.activity.snapshot().equals(new WebhookActivity.Snapshot(1, 0, 0, 0)));
  }

  @Test
  void afterARestartTheEntityResumesAtTheDueTimesAndQueuesPendingIdsItsJournalMissed() {
    EndpointRig rig = rig("retry-schedule = [0s, 1m, 1m]", 10, 0, DeliveryOrdering.UNORDERED);
    rig.client.script("m1", failed(500));
    Instant t0 = rig.now();
    rig.publish("m1");
    rig.awaitRecords(DeliveryState.PENDING, 1);
    rig.awaitTrue("the retry is armed", () -> rig.activity.snapshot().timers() == 1);
    // A publication stored m9's delivery row, then the process died before its enqueue.
    rig.ledger.store(WebhookFixtures.message("m9", "lead.hot"));
    rig.ledger.pendingRows(rig.endpointId, List.of("m1", "m9"));
    int readsBefore = rig.ledger.messageReads();

    rig.restart();
    rig.awaitRecords(DeliveryState.DELIVERED, 1);
    assertEquals(List.of(t0), rig.client.sendTimes("m9"), "m9 queued and sent at once");
    assertEquals(readsBefore + 1, rig.ledger.messageReads(), "its payload read from the ledger");
    rig.advance(Duration.ofSeconds(59));
    rig.sync();
    assertEquals(List.of(t0), rig.client.sendTimes("m1"), "not before its due time");
    rig.advance(Duration.ofSeconds(1));
    rig.awaitRecords(DeliveryState.DELIVERED, 2);
    assertEquals(List.of(t0, t0.plusSeconds(60)), rig.client.sendTimes("m1"));
    assertEquals(2, rig.ledger.recordsOf("m1").get(1).attemptNumber());
  }

  @Test
  void aResyncQueuesAPendingDeliveryWhoseEnqueueWasLostWithoutARestartAndOnlyOnce() {
    EndpointRig rig = rig("retry-schedule = [0s, 1m, 1m]", 10, 0, DeliveryOrdering.UNORDERED);
    rig.client.script("m1", failed(500));
    Instant t0 = rig.now();
    rig.publish("m1");
    rig.awaitRecords(DeliveryState.PENDING, 1);
    rig.awaitTrue("the retry is armed", () -> rig.activity.snapshot().timers() == 1);
    // A publication stored m9's delivery row; its enqueue never reached the running entity.
    rig.ledger.store(WebhookFixtures.message("m9", "lead.hot"));
    rig.ledger.pendingRows(rig.endpointId, List.of("m1", "m9"));
    rig.tell(EndpointCommand.Wake.INSTANCE);
    rig.sync();
    assertEquals(List.of(), rig.client.sendTimes("m9"), "a wake does not read the ledger again");

    rig.tell(EndpointCommand.Resync.INSTANCE);
    rig.awaitRecords(DeliveryState.DELIVERED, 1);
    assertEquals(List.of(t0), rig.client.sendTimes("m9"), "m9 queued and sent at once");
    assertEquals(List.of(t0), rig.client.sendTimes("m1"), "m1, held, keeps its due time");
    // The row still reads PENDING (read before its outcome was recorded), and the lost enqueue arrives late.
    rig.tell(EndpointCommand.Resync.INSTANCE);
    assertInstanceOf(EndpointReply.Accepted.class, rig.enqueue(WebhookFixtures.message("m9", "lead.hot")));
    rig.sync();
    assertEquals(List.of(t0), rig.client.sendTimes("m9"), "delivered once");
    rig.advance(Duration.ofSeconds(60));
    rig.awaitRecords(DeliveryState.DELIVERED, 2);
    assertEquals(List.of(t0, t0.plusSeconds(60)), rig.client.sendTimes("m1"));
  }

  @Test
  void outcomesFinishingTogetherAreWrittenInAFewGroupCommits() {
    int burst = 60;
    EndpointRig rig = rig("", burst, 0, DeliveryOrdering.UNORDERED);
    rig.client.hold();
    ids(burst).forEach(rig::publish);
    rig.awaitTrue("all in flight", () -> rig.client.heldCount() == burst);
    int callsBefore = rig.ledger.recordCalls();
    rig.client.release();
    rig.awaitRecords(DeliveryState.DELIVERED, burst);

    int calls = rig.ledger.recordCalls() - callsBefore;
    assertTrue(calls <= burst / 6, burst + " outcomes took " + calls + " ledger writes");
    assertEquals(0, rig.ledger.messageReads(), "first attempts use the enqueued payloads");
  }
}
