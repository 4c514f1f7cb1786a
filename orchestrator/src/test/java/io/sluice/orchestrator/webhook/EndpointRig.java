package io.sluice.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.sluice.config.WebhookSettings;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.DeliveryState;
import io.sluice.protocols.webhook.EndpointCommand;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.EndpointReply;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One endpoint's delivery entity spawned directly (no sharding) in virtual time, on the real journal, with the test
 * fixtures as its ledger, HTTP client and publisher, and a probe as its shard (it receives the entity's passivation
 * request). Each rig has its own endpoint id, so its journal is its own.
 */
final class EndpointRig {
  private static final Duration WAIT = Duration.ofSeconds(10);

  final ActorTestKit testKit;
  final ManualTime time;
  final Clock clock;
  final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
  final ScriptedEndpointClient client;
  final RecordingOperationalEvents events = new RecordingOperationalEvents();
  final WebhookActivity activity = new WebhookActivity();
  final TestProbe<ClusterSharding.ShardCommand> shard;
  final String endpointId = "ep-" + UUID.randomUUID();
  final WebhookPorts ports;
  private ActorRef<EndpointCommand> entity;

  EndpointRig(ActorTestKit testKit, WebhookSettings settings, int maxConcurrency, int rateLimit,
      DeliveryOrdering ordering) {
    this.testKit = testKit;
    this.time = ManualTime.get(testKit.system());
    this.clock = WebhookFixtures.virtualClock(testKit);
    this.client = new ScriptedEndpointClient(clock);
    this.shard = testKit.createTestProbe();
    this.ports = new WebhookPorts(client, ledger, events, activity, settings, clock, new Random(7));
    ledger.put(WebhookFixtures.endpoint(endpointId, maxConcurrency, rateLimit, ordering));
  }

  /** Starts the entity of a new endpoint: with nothing to do, it asks to be passivated at once. */
  EndpointRig start() {
    spawn();
    sync();
    awaitPassivation();
    return this;
  }

  /** Starts the entity of a new endpoint and waits until it has handled a first command, whatever it then asks. */
  EndpointRig started() {
    spawn();
    sync();
    return this;
  }

  /** Stops the entity (as a crash or a passivation would) and starts a new incarnation on the same journal. */
  void restart() {
    testKit.stop(entity, WAIT);
    spawn();
  }

  private void spawn() {
    entity = testKit.spawn(WebhookEndpoint.create(endpointId, ports, shard.ref()));
  }

  Instant now() {
    return clock.instant();
  }

  EndpointConfig config() {
    return ledger.endpointNow(endpointId);
  }

  OutboundMessage publish(String messageId) {
    return publish(messageId, "lead.hot");
  }

  /** Stores the message as a publication would, enqueues it and waits for the entity's answer. */
  OutboundMessage publish(String messageId, String eventType) {
    OutboundMessage message = WebhookFixtures.message(messageId, eventType);
    ledger.store(message);
    assertInstanceOf(EndpointReply.Accepted.class, enqueue(message));
    return message;
  }

  EndpointReply enqueue(OutboundMessage message) {
    TestProbe<EndpointReply> reply = testKit.createTestProbe();
    entity.tell(new EndpointCommand.Enqueue(message, reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  /** Tells the entity a command that has no answer ({@code Wake}, {@code Resync}). */
  void tell(EndpointCommand command) {
    entity.tell(command);
  }

  EndpointReply replay(List<String> messageIds) {
    TestProbe<EndpointReply> reply = testKit.createTestProbe();
    entity.tell(new EndpointCommand.Replay(messageIds, reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  /** Changes the endpoint in the table, then tells the entity, as the API does. */
  EndpointReply reconfigure(EndpointConfig config) {
    ledger.put(config);
    TestProbe<EndpointReply> reply = testKit.createTestProbe();
    entity.tell(new EndpointCommand.Reconfigure(config, reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  /** A round trip through the entity: everything it was doing before (a write included) has been done. */
  void sync() {
    reconfigure(config());
  }

  /** Moves virtual time once the entity holds its timer (it is waiting for a due time, not working). */
  void advance(Duration duration) {
    awaitTrue("a timer is armed", () -> activity.snapshot().timers() == 1);
    time.timePasses(duration);
  }

  void awaitTrue(String what, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(WAIT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  void awaitSends(int count) {
    awaitTrue(count + " sends, got " + client.sent().size(), () -> client.sent().size() >= count);
  }

  List<AttemptRecord> recordsIn(DeliveryState state) {
    return ledger.records().stream().filter(record -> record.stateAfter() == state).toList();
  }

  void awaitRecords(DeliveryState state, int count) {
    awaitTrue(count + " records " + state + ", got " + ledger.records(), () -> recordsIn(state).size() >= count);
  }

  /** Waits for the entity's passivation request to its shard. */
  void awaitPassivation() {
    ClusterSharding.ShardCommand command = shard.receiveMessage(WAIT);
    assertInstanceOf(ClusterSharding.Passivate.class, command);
  }

  static AttemptOutcome throttled(Duration retryAfter) {
    return new AttemptOutcome(AttemptOutcome.Kind.THROTTLED, 429, 2, "", "HTTP 429", retryAfter);
  }

  static AttemptOutcome gone() {
    return new AttemptOutcome(AttemptOutcome.Kind.GONE, 410, 2, "", "HTTP 410", null);
  }
}
