package io.sluice.orchestrator.webhook;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.webhook.EndpointState.Scheduled;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.DeliveryState;
import io.sluice.protocols.webhook.EndpointCommand;
import io.sluice.protocols.webhook.EndpointEvent;
import io.sluice.protocols.webhook.EndpointEvent.Finished;
import io.sluice.protocols.webhook.EndpointEvent.Notice;
import io.sluice.protocols.webhook.EndpointEvent.Queued;
import io.sluice.protocols.webhook.EndpointReply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every webhook entity command, reply, event and snapshot survives Akka serialization (Jackson CBOR) unchanged. */
class EndpointProtocolSerializationTest {
  private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123456Z");
  private static ActorTestKit testKit;
  private static SerializationTestKit serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("EndpointProtocolSerializationTest",
        ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static void roundTrip(Object message) {
    serialization.verifySerialization(message, true);
  }

  @Test
  void commandsRoundTrip() {
    var replyTo = testKit.<EndpointReply>createTestProbe().ref();
    roundTrip(new EndpointCommand.Enqueue(WebhookFixtures.message("m1", "lead.hot"), replyTo));
    roundTrip(new EndpointCommand.Replay(List.of("m1", "m2"), replyTo));
    roundTrip(new EndpointCommand.Reconfigure(
        WebhookFixtures.endpoint("ep-1", 4, 10, DeliveryOrdering.ORDERED), replyTo));
    roundTrip(EndpointCommand.Wake.INSTANCE);
    roundTrip(EndpointCommand.Resync.INSTANCE);
  }

  @Test
  void repliesRoundTrip() {
    roundTrip(new EndpointReply.Accepted("ep-1", 3));
    roundTrip(new EndpointReply.Refused("ep-1", "the endpoint was deleted"));
  }

  @Test
  void eventsRoundTrip() {
    Notice exhausted = Notices.exhausted("ep-1", "m1", "lead.hot", 8, 500, AT);
    Notice disabled = Notices.disabled("ep-1", "the endpoint answered 410 Gone", AT);
    roundTrip(new EndpointEvent.Enqueued(List.of(new Queued("m1", 0, AT), new Queued("m2", 3, AT))));
    roundTrip(new EndpointEvent.AttemptsFinished(List.of(
        new Finished("m1", 8, AttemptOutcome.Kind.FAILED, 500, AT, DeliveryState.DEAD, null),
        new Finished("m2", 1, AttemptOutcome.Kind.THROTTLED, 429, AT, DeliveryState.PENDING, AT.plusSeconds(5))),
        List.of(exhausted)));
    roundTrip(new EndpointEvent.Dropped(List.of("m3"), "message no longer stored"));
    roundTrip(new EndpointEvent.Disabled("the endpoint answered 410 Gone", AT, disabled));
    roundTrip(new EndpointEvent.NoticesSent(List.of(exhausted.key())));
    roundTrip(new EndpointEvent.Cleared(AT));
  }

  @Test
  void theSnapshotStateAndTheOutcomesItCarriesRoundTrip() {
    roundTrip(new EndpointState(Map.of("m1", new Scheduled(2, 0, AT, 7), "m2", new Scheduled(9, 8, AT, 8)), 8, AT,
        Map.of("k", Notices.exhausted("ep-1", "m0", "lead.hot", 8, 0, AT))));
    roundTrip(EndpointState.blank());
    roundTrip(new AttemptOutcome(AttemptOutcome.Kind.THROTTLED, 429, 12, "slow down", "HTTP 429",
        Duration.ofSeconds(30)));
  }
}
