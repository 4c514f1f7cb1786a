package io.sluice.orchestrator.webhook;

import static io.sluice.orchestrator.webhook.ScriptedEndpointClient.failed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.JournalTestKit;
import io.sluice.orchestrator.webhook.RecordingOperationalEvents.Published;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.DeliveryState;
import io.sluice.protocols.webhook.EndpointReply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delivery entity's retry rules in virtual time on the real journal: the schedule, dead-lettering and its
 * notice, 410, Retry-After, the continuous-failure disable, the backlog limit and replay.
 */
class WebhookEndpointRetryTest {
  private static final JournalTestKit journal =
      JournalTestKit.create("WebhookEndpointRetryTest", WebhookFixtures.manualTime());
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = journal.startLocal();
  }

  @AfterAll
  static void stop() {
    journal.close();
  }

  private static EndpointRig rig(String settings) {
    return new EndpointRig(testKit, WebhookFixtures.settings(settings), 10, 0, DeliveryOrdering.UNORDERED).start();
  }

  @Test
  void aMessageFailingThreeTimesIsDeliveredOnceOnTheFourthAttemptAtTheScheduleTimes() {
    EndpointRig rig = rig("retry-schedule = [0s, 5s, 1m, 10m]");
    rig.client.script("m1", failed(500), failed(500), failed(502));
    Instant t0 = rig.now();
    rig.publish("m1");
    rig.awaitSends(1);
    rig.advance(Duration.ofSeconds(5));
    rig.awaitSends(2);
    rig.advance(Duration.ofMinutes(1));
    rig.awaitSends(3);
    rig.advance(Duration.ofMinutes(10));
    rig.awaitRecords(DeliveryState.DELIVERED, 1);
    rig.awaitPassivation();

    assertEquals(List.of(t0, t0.plusSeconds(5), t0.plusSeconds(65), t0.plusSeconds(665)),
        rig.client.sendTimes("m1"));
    List<AttemptRecord> records = rig.ledger.recordsOf("m1");
    assertEquals(List.of(1, 2, 3, 4), records.stream().map(AttemptRecord::attemptNumber).toList());
    assertEquals(List.of(DeliveryState.PENDING, DeliveryState.PENDING, DeliveryState.PENDING,
        DeliveryState.DELIVERED), records.stream().map(AttemptRecord::stateAfter).toList());
    assertEquals(t0.plusSeconds(65), records.get(1).nextAttemptAt());
    assertNull(records.get(3).nextAttemptAt());
    rig.awaitTrue("the node's activity settles at one entity, nothing else",
        () -> rig.activity.snapshot().equals(new WebhookActivity.Snapshot(1, 0, 0, 0)));
    assertTrue(rig.events.published().isEmpty());
  }

  @Test
  void afterTheLastAttemptAMessageIsDeadAndExhaustedIsPublishedOnceExceptAboutAnOperationalEvent() {
    EndpointRig rig = rig("retry-schedule = [0s, 5s, 1m]");
    rig.client.script("m1", failed(500), failed(500), failed(503));
    rig.client.script("op1", failed(500), failed(500), failed(500));
    rig.publish("m1");
    rig.publish("op1", Notices.EXHAUSTED);
    rig.awaitSends(2);
    rig.advance(Duration.ofSeconds(5));
    rig.awaitSends(4);
    rig.advance(Duration.ofMinutes(1));
    rig.awaitRecords(DeliveryState.DEAD, 2);
    rig.awaitPassivation();

    assertEquals(3, rig.client.sendTimes("m1").size(), "no attempt after the last");
    AttemptRecord last = rig.ledger.recordsOf("m1").get(2);
    assertEquals(3, last.attemptNumber());
    assertNull(last.nextAttemptAt());
    List<Published> exhausted = rig.events.ofType(Notices.EXHAUSTED);
    assertEquals(1, exhausted.size(), "one notice, none about the operational message: " + exhausted);
    assertEquals("ws-test", exhausted.get(0).workspaceId());
    assertEquals(Map.of("endpointId", rig.endpointId, "messageId", "m1", "eventType", "lead.hot", "attempts", 3,
        "lastStatus", 503), exhausted.get(0).payload());
    assertEquals("message.attempt.exhausted:" + rig.endpointId + ":m1:3", exhausted.get(0).key());
    assertEquals(0, rig.activity.snapshot().timers());
  }

  @Test
  void a410DisablesTheEndpointAndHoldsItsMessagesUntilItIsEnabledAgain() {
    EndpointRig rig = rig("retry-schedule = [0s, 5s]");
    rig.client.script("m1", EndpointRig.gone());
    rig.publish("m1");
    rig.awaitTrue("endpoint.disabled published", () -> rig.events.ofType(Notices.DISABLED).size() == 1);
    rig.publish("m2");
    rig.awaitPassivation();

    assertFalse(rig.config().enabled(), "disabled in the ledger");
    assertEquals(List.of("the endpoint answered 410 Gone"), rig.ledger.disableReasons());
    assertEquals(Map.of("endpointId", rig.endpointId, "reason", "the endpoint answered 410 Gone",
        "disabledAt", rig.now().toString()), rig.events.ofType(Notices.DISABLED).get(0).payload());
    assertEquals(DeliveryState.PENDING, rig.ledger.recordsOf("m1").get(0).stateAfter(), "held, not dead");
    assertEquals(1, rig.client.sent().size(), "nothing sent while disabled");
    assertEquals(0, rig.activity.snapshot().timers());

    rig.reconfigure(WebhookFixtures.config(rig.config(), true, false));
    rig.awaitRecords(DeliveryState.DELIVERED, 2);
    assertEquals(2, rig.ledger.recordsOf("m1").get(1).attemptNumber());
    assertEquals(1, rig.ledger.recordsOf("m2").get(0).attemptNumber());
  }

  @Test
  void retryAfterDelaysTheMessagesRetryAndTheEndpointsOtherSends() {
    EndpointRig rig = rig("retry-schedule = [0s, 1s, 1s]");
    rig.client.script("m1", EndpointRig.throttled(Duration.ofSeconds(30)));
    Instant t0 = rig.now();
    rig.publish("m1");
    rig.awaitRecords(DeliveryState.PENDING, 1);
    rig.publish("m2");
    rig.sync();
    assertEquals(List.of(), rig.client.sendTimes("m2"), "held by m1's Retry-After");
    rig.advance(Duration.ofSeconds(29));
    rig.sync();
    assertEquals(1, rig.client.sent().size(), "nothing before the Retry-After");
    rig.advance(Duration.ofSeconds(1));
    rig.awaitRecords(DeliveryState.DELIVERED, 2);

    assertEquals(List.of(t0, t0.plusSeconds(30)), rig.client.sendTimes("m1"));
    assertEquals(List.of(t0.plusSeconds(30)), rig.client.sendTimes("m2"));
    assertEquals(t0.plusSeconds(30), rig.ledger.recordsOf("m1").get(0).nextAttemptAt());
  }

  @Test
  void anEndpointFailingContinuouslyForTheSetPeriodIsDisabled() {
    EndpointRig rig = rig("retry-schedule = [0s, 5m, 5m, 5m, 5m]\ndisable-after-failing-for = 10m");
    rig.client.script("m1", failed(500), failed(500), failed(500), failed(500), failed(500));
    rig.publish("m1");
    rig.awaitSends(1);
    rig.advance(Duration.ofMinutes(5));
    rig.awaitSends(2);
    rig.advance(Duration.ofMinutes(5));
    rig.awaitTrue("endpoint.disabled published", () -> rig.events.ofType(Notices.DISABLED).size() == 1);
    rig.awaitPassivation();

    assertFalse(rig.config().enabled());
    assertTrue(rig.ledger.disableReasons().get(0).startsWith("every attempt failed since "),
        rig.ledger.disableReasons().toString());
    assertEquals(3, rig.client.sent().size());
    assertEquals(DeliveryState.PENDING, rig.ledger.recordsOf("m1").get(2).stateAfter(), "held, not dead");
    assertEquals(0, rig.activity.snapshot().timers(), "a disabled endpoint waits for nothing");
  }

  @Test
  void beyondTheBacklogLimitAMessageIsRecordedDeadAtOnceAndStillAcknowledged() {
    EndpointRig rig = rig("max-pending-per-endpoint = 2");
    rig.reconfigure(WebhookFixtures.config(rig.config(), true, true));
    rig.publish("m1");
    rig.publish("m2");
    EndpointReply third = rig.enqueue(WebhookFixtures.message("m3", "lead.hot"));

    assertEquals(new EndpointReply.Accepted(rig.endpointId, 2), third);
    AttemptRecord dead = rig.ledger.recordsOf("m3").get(0);
    assertEquals(DeliveryState.DEAD, dead.stateAfter());
    assertEquals("backlog full", dead.outcome().error());
    assertEquals(1, rig.ledger.records().size());
    assertEquals(2, rig.activity.snapshot().pending());
  }

  @Test
  void aReplayedDeadMessageGetsANewSeriesContinuingItsAttemptCount() {
    EndpointRig rig = rig("retry-schedule = [0s, 5s]");
    rig.client.script("m1", failed(500), failed(500));
    rig.publish("m1");
    rig.awaitSends(1);
    rig.advance(Duration.ofSeconds(5));
    rig.awaitRecords(DeliveryState.DEAD, 1);

    assertInstanceOf(EndpointReply.Accepted.class, rig.replay(List.of("m1")));
    rig.awaitRecords(DeliveryState.DELIVERED, 1);
    assertEquals(List.of(1, 2, 3), rig.ledger.recordsOf("m1").stream().map(AttemptRecord::attemptNumber).toList());
  }

  @Test
  void jitterMovesEachDelayWithinItsFraction() {
    WebhookSettings settings = WebhookFixtures.settings("retry-schedule = [0s, 100s]\njitter = 0.1");
    RetrySchedule schedule = new RetrySchedule(settings, new java.util.Random(3));
    Instant failed = Instant.parse("2026-01-01T00:00:00Z");
    java.util.Set<Instant> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      Instant due = schedule.nextDue(1, failed, null);
      assertFalse(due.isBefore(failed.plusSeconds(90)) || due.isAfter(failed.plusSeconds(110)), due.toString());
      seen.add(due);
    }
    assertTrue(seen.size() > 100, "spread out: " + seen.size());
    assertEquals(failed, schedule.firstDue(failed), "a zero delay stays zero");
    assertNull(schedule.nextDue(2, failed, null), "after the last delay's attempt");
  }
}
