package io.sluice.persistence.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.persistence.TablesContract;
import io.sluice.protocols.webhook.AttemptOutcome.Kind;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.DeliveryState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The webhook tables (V7) against a real database, each unit of work in its own transaction as the facade runs it.
 * Subclasses name the database; every test uses fresh workspaces, so runs do not interfere.
 */
abstract class WebhookTablesContract extends TablesContract {
  static final Instant T0 = Instant.parse("2026-03-02T15:00:00Z");
  static final Duration WINDOW = Duration.ofHours(24);

  final String workspace = "ws-" + UUID.randomUUID();
  final String otherWorkspace = "ws-" + UUID.randomUUID();
  final WebhookIds ids = new WebhookIds(Clock.fixed(T0, ZoneOffset.UTC));

  EndpointRow endpoint(String workspaceId, List<String> eventTypes, boolean enabled, boolean paused) {
    return new EndpointRow(ids.endpointId(), workspaceId, "https://hooks.example.com/in", "test endpoint",
        eventTypes, "whsec_current", null, null, enabled, enabled ? null : "disabled by a test", paused, 10, 0,
        DeliveryOrdering.UNORDERED, T0, T0);
  }

  EndpointRow created(List<String> eventTypes) throws SQLException {
    return run(Endpoints.create(endpoint(workspace, eventTypes, true, false)));
  }

  MessageRow message(String eventType, String key, Instant at) {
    return new MessageRow(ids.messageId(), workspace, eventType, "{\"n\":1}", key, at);
  }

  static RecordedAttempt attempt(EndpointRow endpoint, String messageId, int number, Kind kind, int status,
      long latency, DeliveryState after, Instant next) {
    return new RecordedAttempt(new AttemptRow(endpoint.id(), messageId, number, T0.plusSeconds(number), kind, status,
        latency, kind == Kind.DELIVERED ? "ok" : "nope", kind == Kind.DELIVERED ? null : "HTTP " + status),
        after, next);
  }

  @Test
  void idsSortInCreationOrderAndHaveTheirShape() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      made.add(ids.messageId());
    }
    assertEquals(made, made.stream().sorted().toList());
    assertEquals(1000, made.stream().distinct().count());
    assertTrue(WebhookIds.isId(WebhookIds.MESSAGE_PREFIX, made.get(0)), made.get(0));
    assertFalse(WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, made.get(0)));
    assertFalse(WebhookIds.isId(WebhookIds.MESSAGE_PREFIX, "msg_' OR 1=1 --"));
  }

  @Test
  void endpointsAreScopedByWorkspaceAndKeepTheirFilter() throws SQLException {
    EndpointRow first = created(List.of("lead.hot", "campaign.completed"));
    EndpointRow second = created(List.of());
    run(Endpoints.create(endpoint(otherWorkspace, List.of(), true, false)));

    EndpointRow found = run(Endpoints.find(workspace, first.id())).orElseThrow();
    assertEquals(List.of("campaign.completed", "lead.hot"), found.eventTypes());
    assertEquals("whsec_current", found.secret());
    assertFalse(found.toString().contains("whsec_"), found::toString);
    assertEquals(Optional.empty(), run(Endpoints.find(otherWorkspace, first.id())));
    assertEquals(first.id(), run(Endpoints.find(first.id())).orElseThrow().id());

    assertEquals(List.of(first.id(), second.id()),
        run(Endpoints.list(workspace, null, 10)).stream().map(EndpointRow::id).toList());
    assertEquals(List.of(second.id()),
        run(Endpoints.list(workspace, first.id(), 10)).stream().map(EndpointRow::id).toList());
    assertEquals(1, run(Endpoints.list(workspace, null, 1)).size());

    EndpointRow changed = new EndpointRow(first.id(), workspace, "https://hooks.example.com/v2", null,
        List.of("call.completed"), "ignored", null, null, true, null, false, 3, 5, DeliveryOrdering.ORDERED, T0,
        T0.plusSeconds(1));
    assertTrue(run(Endpoints.update(changed)));
    assertFalse(run(Endpoints.update(new EndpointRow(first.id(), otherWorkspace, "https://x.example.com", null,
        List.of(), "s", null, null, true, null, false, 1, 0, DeliveryOrdering.UNORDERED, T0, T0))));
    EndpointRow updated = run(Endpoints.find(workspace, first.id())).orElseThrow();
    assertEquals(List.of("call.completed"), updated.eventTypes());
    assertEquals("https://hooks.example.com/v2", updated.url());
    assertEquals(DeliveryOrdering.ORDERED, updated.ordering());
    assertEquals(5, updated.rateLimit());
    assertEquals("whsec_current", updated.secret(), "an update never touches the secret");

    assertTrue(run(Endpoints.setPaused(workspace, first.id(), true, T0)).orElseThrow().paused());
    assertEquals(Optional.empty(), run(Endpoints.setPaused(otherWorkspace, first.id(), true, T0)));
    assertTrue(run(Endpoints.find(first.id())).orElseThrow().paused());

    assertTrue(run(Endpoints.disable(first.id(), "410 Gone", T0)));
    assertFalse(run(Endpoints.disable(first.id(), "again", T0)), "already disabled");
    EndpointRow disabled = run(Endpoints.find(first.id())).orElseThrow();
    assertFalse(disabled.enabled());
    assertEquals("410 Gone", disabled.disabledReason());

    assertFalse(run(Endpoints.delete(otherWorkspace, second.id())));
    assertTrue(run(Endpoints.delete(workspace, second.id())));
    assertEquals(Optional.empty(), run(Endpoints.find(second.id())));
  }

  @Test
  void rotationKeepsThePreviousSecretForItsOverlapOnly() throws SQLException {
    EndpointRow endpoint = created(List.of());
    EndpointRow rotated = run(Endpoints.rotate(workspace, endpoint.id(), "whsec_next", T0.plus(WINDOW), T0))
        .orElseThrow();
    assertEquals(Optional.empty(), run(Endpoints.rotate(otherWorkspace, endpoint.id(), "whsec_evil",
        T0.plus(WINDOW), T0)));
    assertEquals(rotated.secretsAt(T0), run(Endpoints.find(endpoint.id())).orElseThrow().secretsAt(T0));
    assertEquals(List.of("whsec_next", "whsec_current"), rotated.secretsAt(T0.plusSeconds(60)));
    assertEquals(List.of("whsec_next", "whsec_current"), rotated.configAt(T0).secrets());
    assertEquals(List.of("whsec_next"), rotated.secretsAt(T0.plus(WINDOW)));
  }

  @Test
  void aPublicationFansOutToEveryEnabledMatchingEndpointInOneUnit() throws SQLException {
    EndpointRow all = created(List.of());
    EndpointRow hot = created(List.of("lead.hot", "call.completed"));
    created(List.of("campaign.completed"));
    run(Endpoints.create(endpoint(workspace, List.of("lead.hot"), false, false)));
    EndpointRow paused = run(Endpoints.create(endpoint(workspace, List.of("lead.hot"), true, true)));
    run(Endpoints.create(endpoint(otherWorkspace, List.of(), true, false)));

    MessageRow message = message("lead.hot", null, T0);
    Publication publication = run(Messages.publish(message, T0.minus(WINDOW)));
    assertFalse(publication.duplicate());
    assertEquals(List.of(all.id(), hot.id(), paused.id()), publication.toEnqueue());
    assertEquals(3, publication.deliveries());

    List<DeliveryRow> deliveries = run(Deliveries.ofMessage(message.id()));
    assertEquals(List.of(all.id(), hot.id(), paused.id()), deliveries.stream().map(DeliveryRow::endpointId).toList());
    DeliveryRow delivery = deliveries.get(0);
    assertEquals(DeliveryState.PENDING, delivery.state());
    assertEquals(0, delivery.attempts());
    assertEquals(T0, delivery.nextAttemptAt());
    assertNull(delivery.lastStatus());
    assertEquals(message, run(Messages.find(workspace, message.id())).orElseThrow());
    assertEquals(Optional.empty(), run(Messages.find(otherWorkspace, message.id())));
    assertEquals(message.outbound(), run(Messages.byIds(List.of(message.id(), "msg_gone"))).get(0).outbound());
  }

  @Test
  void aRepeatedKeyWithinTheWindowReturnsTheFirstMessageAndStoresNothing() throws SQLException {
    EndpointRow endpoint = created(List.of());
    MessageRow first = message("lead.hot", "order-42", T0);
    run(Messages.publish(first, T0.minus(WINDOW)));

    Instant later = T0.plus(Duration.ofHours(23));
    Publication repeated = run(Messages.publish(message("lead.hot", "order-42", later), later.minus(WINDOW)));
    assertTrue(repeated.duplicate());
    assertEquals(first.id(), repeated.message().id());
    assertEquals(List.of(endpoint.id()), repeated.toEnqueue(), "still PENDING: its entity is told again");
    assertEquals(1, repeated.deliveries());
    assertEquals(1, count("SELECT count(*) FROM webhook_message WHERE workspace_id = ?", workspace));
    assertEquals(1, count("SELECT count(*) FROM webhook_delivery WHERE workspace_id = ?", workspace));

    run(Attempts.record(List.of(attempt(endpoint, first.id(), 1, Kind.DELIVERED, 200, 5, DeliveryState.DELIVERED,
        null)), T0));
    Publication afterDelivery = run(Messages.publish(message("lead.hot", "order-42", later), later.minus(WINDOW)));
    assertTrue(afterDelivery.duplicate());
    assertEquals(List.of(), afterDelivery.toEnqueue(), "a delivered message is never enqueued again");

    // The same key in another workspace is another key.
    MessageRow elsewhere = new MessageRow(ids.messageId(), otherWorkspace, "lead.hot", "{}", "order-42", later);
    assertFalse(run(Messages.publish(elsewhere, later.minus(WINDOW))).duplicate());
  }

  @Test
  void aGroupOfPublicationsIsOneUnitWhoseLaterMembersSeeTheEarlierOnes() throws SQLException {
    EndpointRow endpoint = created(List.of());
    MessageRow old = message("lead.hot", "group-old", T0.minus(WINDOW).minusSeconds(60));
    MessageRow recent = message("lead.hot", "group-recent", T0.minusSeconds(60));
    run(Messages.publish(old, T0.minus(WINDOW)));
    run(Messages.publish(recent, T0.minus(WINDOW)));
    MessageRow first = message("lead.hot", "group-1", T0);
    MessageRow again = message("lead.hot", "group-1", T0);
    MessageRow unknown = message("no.such.type", null, T0);
    MessageRow other = message("lead.hot", null, T0);
    MessageRow reusingOld = message("lead.hot", "group-old", T0);
    MessageRow repeatingRecent = message("lead.hot", "group-recent", T0);
    List<Optional<Publication>> published = run(Messages.publishAllKnown(List.of(first, again, unknown, other,
        reusingOld, repeatingRecent), T0.minus(WINDOW)));

    assertEquals(6, published.size());
    assertFalse(published.get(4).orElseThrow().duplicate(), "a key older than the window is released and reused");
    assertTrue(published.get(5).orElseThrow().duplicate());
    assertEquals(recent.id(), published.get(5).orElseThrow().message().id());
    assertFalse(published.get(0).orElseThrow().duplicate());
    assertTrue(published.get(1).orElseThrow().duplicate(), "the repeated key within the group");
    assertEquals(first.id(), published.get(1).orElseThrow().message().id());
    assertEquals(Optional.empty(), published.get(2), "an unknown type stores nothing");
    assertEquals(List.of(endpoint.id()), published.get(3).orElseThrow().toEnqueue());
    assertEquals(5, count("SELECT count(*) FROM webhook_message WHERE workspace_id = ?", workspace));
    assertEquals(5, count("SELECT count(*) FROM webhook_delivery WHERE workspace_id = ?", workspace));
  }

  @Test
  void aKeyOlderThanTheWindowIsReleasedAndReused() throws SQLException {
    created(List.of());
    MessageRow first = message("lead.hot", "daily-report", T0);
    run(Messages.publish(first, T0.minus(WINDOW)));

    Instant nextDay = T0.plus(WINDOW).plusSeconds(1);
    MessageRow second = message("lead.hot", "daily-report", nextDay);
    Publication publication = run(Messages.publish(second, nextDay.minus(WINDOW)));
    assertFalse(publication.duplicate());
    assertEquals(second.id(), publication.message().id());
    assertNull(run(Messages.find(workspace, first.id())).orElseThrow().idempotencyKey(), "released");
    assertEquals(2, count("SELECT count(*) FROM webhook_message WHERE workspace_id = ?", workspace));
    assertEquals(2, count("SELECT count(*) FROM webhook_delivery WHERE workspace_id = ?", workspace));

    Publication again = run(Messages.publish(message("lead.hot", "daily-report", nextDay.plusSeconds(5)),
        nextDay.plusSeconds(5).minus(WINDOW)));
    assertTrue(again.duplicate());
    assertEquals(second.id(), again.message().id());
  }

  @Test
  void recordingIsIdempotentAndNeverMovesADeliveryBack() throws SQLException {
    EndpointRow endpoint = created(List.of());
    MessageRow message = message("lead.hot", null, T0);
    run(Messages.publish(message, T0.minus(WINDOW)));
    Instant retryAt = T0.plusSeconds(5);
    RecordedAttempt failed = attempt(endpoint, message.id(), 1, Kind.FAILED, 500, 40, DeliveryState.PENDING, retryAt);

    assertEquals(1, run(Attempts.record(List.of(failed), T0)));
    assertEquals(0, run(Attempts.record(List.of(failed), T0.plusSeconds(1))), "recorded again after a crash");
    DeliveryRow pending = run(Deliveries.find(endpoint.id(), message.id())).orElseThrow();
    assertEquals(DeliveryState.PENDING, pending.state());
    assertEquals(1, pending.attempts());
    assertEquals(500, pending.lastStatus());
    assertEquals("HTTP 500", pending.lastError());
    assertEquals(retryAt, pending.nextAttemptAt());

    RecordedAttempt delivered = attempt(endpoint, message.id(), 2, Kind.DELIVERED, 204, 12, DeliveryState.DELIVERED,
        null);
    assertEquals(1, run(Attempts.record(List.of(delivered, failed), T0.plusSeconds(6))));
    DeliveryRow done = run(Deliveries.find(endpoint.id(), message.id())).orElseThrow();
    assertEquals(DeliveryState.DELIVERED, done.state());
    assertEquals(2, done.attempts());
    assertNull(done.nextAttemptAt());
    assertNull(done.lastError());

    List<AttemptRow> attempts = run(Attempts.of(endpoint.id(), message.id(), 0, 10));
    assertEquals(List.of(1, 2), attempts.stream().map(AttemptRow::attemptNumber).toList());
    assertEquals(failed.attempt(), attempts.get(0));
    assertEquals(List.of(2), run(Attempts.of(endpoint.id(), message.id(), 1, 10)).stream()
        .map(AttemptRow::attemptNumber).toList());

    // The endpoint is deleted while an attempt is in flight: its recording is dropped, not an error.
    assertTrue(run(Endpoints.delete(workspace, endpoint.id())));
    assertEquals(0, run(Attempts.record(List.of(attempt(endpoint, message.id(), 3, Kind.FAILED, 500, 1,
        DeliveryState.PENDING, retryAt)), T0)));
    assertEquals(0, count("SELECT count(*) FROM webhook_attempt WHERE endpoint_id = ?", endpoint.id()));
  }

  @Test
  void aLongResponseIsCutToItsColumn() throws SQLException {
    EndpointRow endpoint = created(List.of());
    MessageRow message = message("lead.hot", null, T0);
    run(Messages.publish(message, T0.minus(WINDOW)));
    RecordedAttempt chatty = new RecordedAttempt(new AttemptRow(endpoint.id(), message.id(), 1, T0, Kind.FAILED, 500,
        3, "x".repeat(Attempts.RESPONSE_PREFIX_COLUMN + 10), "e".repeat(Attempts.ERROR_COLUMN + 10)),
        DeliveryState.PENDING, T0);
    run(Attempts.record(List.of(chatty), T0));
    AttemptRow stored = run(Attempts.of(endpoint.id(), message.id(), 0, 1)).get(0);
    assertEquals(Attempts.RESPONSE_PREFIX_COLUMN, stored.responsePrefix().length());
    assertEquals(Attempts.ERROR_COLUMN, stored.error().length());
  }

  @Test
  void pendingDeadLettersAndFailedSinceArePagedInPublicationOrder() throws SQLException {
    EndpointRow endpoint = created(List.of());
    EndpointRow other = created(List.of());
    List<MessageRow> messages = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      MessageRow message = message("lead.hot", null, T0.plusSeconds(i * 60L));
      run(Messages.publish(message, T0.minus(WINDOW)));
      messages.add(message);
    }
    List<String> messageIds = messages.stream().map(MessageRow::id).toList();
    assertEquals(messageIds, run(Deliveries.pendingIds(endpoint.id(), 100)));
    assertEquals(messageIds.subList(0, 2), run(Deliveries.pendingIds(endpoint.id(), 2)));

    // Messages 0, 2 and 3 die at the endpoint, message 1 is delivered; message 3 dies at the other one too.
    List<RecordedAttempt> outcomes = new ArrayList<>();
    for (int i : new int[] {0, 2, 3}) {
      outcomes.add(attempt(endpoint, messageIds.get(i), 1, Kind.FAILED, 503, 9, DeliveryState.DEAD, null));
    }
    outcomes.add(attempt(endpoint, messageIds.get(1), 1, Kind.DELIVERED, 200, 9, DeliveryState.DELIVERED, null));
    outcomes.add(attempt(other, messageIds.get(3), 1, Kind.GONE, 410, 9, DeliveryState.DEAD, null));
    run(Attempts.record(outcomes, T0));

    assertEquals(List.of(messageIds.get(4)), run(Deliveries.pendingIds(endpoint.id(), 100)));
    assertEquals(Map.of(messageIds.get(0), 1, messageIds.get(1), 1), run(Deliveries.attemptCounts(endpoint.id(),
        List.of(messageIds.get(0), messageIds.get(1), messageIds.get(4), "msg_unknown"))));
    List<String> waking = run(Deliveries.endpointsWithPending());
    assertTrue(waking.contains(endpoint.id()) && waking.contains(other.id()), waking::toString);
    List<RecordedAttempt> settleOther = new ArrayList<>();
    for (int i : new int[] {0, 1, 2, 4}) {
      settleOther.add(attempt(other, messageIds.get(i), 1, Kind.DELIVERED, 200, 9, DeliveryState.DELIVERED, null));
    }
    run(Attempts.record(settleOther, T0));
    assertTrue(run(Deliveries.endpointsWithPending()).contains(endpoint.id()));
    assertFalse(run(Deliveries.endpointsWithPending()).contains(other.id()), "nothing pending at the other one");
    List<DeliveryRow> dead = run(Deliveries.ofEndpoint(endpoint.id(), Optional.of(DeliveryState.DEAD), null, 2));
    assertEquals(List.of(messageIds.get(3), messageIds.get(2)), dead.stream().map(DeliveryRow::messageId).toList());
    assertEquals(List.of(messageIds.get(0)), run(Deliveries.ofEndpoint(endpoint.id(),
        Optional.of(DeliveryState.DEAD), dead.get(1).messageId(), 2)).stream().map(DeliveryRow::messageId).toList());
    assertEquals(5, run(Deliveries.ofEndpoint(endpoint.id(), Optional.empty(), null, 10)).size());

    List<DeliveryRow> letters = run(Deliveries.deadLetters(workspace, Optional.empty(), null, 2));
    assertEquals(List.of(other.id(), endpoint.id()), letters.stream().map(DeliveryRow::endpointId).toList());
    assertEquals(List.of(messageIds.get(3), messageIds.get(3)), letters.stream().map(DeliveryRow::messageId)
        .toList());
    DeliveryRow last = letters.get(1);
    List<DeliveryRow> rest = run(Deliveries.deadLetters(workspace, Optional.empty(),
        new Deliveries.DeadLetterCursor(last.messageId(), last.endpointId()), 10));
    assertEquals(List.of(messageIds.get(2), messageIds.get(0)), rest.stream().map(DeliveryRow::messageId).toList());
    assertEquals(3, run(Deliveries.deadLetters(workspace, Optional.of(endpoint.id()), null, 10)).size());
    assertEquals(List.of(), run(Deliveries.deadLetters(otherWorkspace, Optional.empty(), null, 10)));

    assertEquals(List.of(messageIds.get(2), messageIds.get(3)),
        run(Deliveries.deadSince(endpoint.id(), T0.plusSeconds(120), 100)));
    assertEquals(List.of(messageIds.get(0)), run(Deliveries.deadSince(endpoint.id(), T0, 1)));
  }

  @Test
  void statsCountSuccessesAndTakeLatencyPercentilesOverTheWindow() throws SQLException {
    EndpointRow endpoint = created(List.of());
    EndpointStats empty = run(EndpointStats.of(endpoint.id(), T0));
    assertEquals(0, empty.attempts());
    assertNull(empty.successRate());
    assertNull(empty.p50Millis());

    List<RecordedAttempt> attempts = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      MessageRow message = message("lead.hot", null, T0);
      run(Messages.publish(message, T0.minus(WINDOW)));
      boolean ok = i % 4 != 0;
      attempts.add(attempt(endpoint, message.id(), 1, ok ? Kind.DELIVERED : Kind.FAILED, ok ? 200 : 500, i,
          ok ? DeliveryState.DELIVERED : DeliveryState.PENDING, ok ? null : T0.plusSeconds(60)));
    }
    run(Attempts.record(attempts, T0));

    EndpointStats stats = run(EndpointStats.of(endpoint.id(), T0));
    assertEquals(100, stats.attempts());
    assertEquals(75, stats.delivered());
    assertEquals(0.75, stats.successRate(), 1e-9);
    assertEquals(50L, stats.p50Millis());
    assertEquals(95L, stats.p95Millis());
    assertEquals(99L, stats.p99Millis());
    assertEquals(75L, stats.deliveries().get(DeliveryState.DELIVERED));
    assertEquals(25L, stats.deliveries().get(DeliveryState.PENDING));
    assertEquals(0L, stats.deliveries().get(DeliveryState.DEAD));
    assertEquals(0, run(EndpointStats.of(endpoint.id(), T0.plusSeconds(2))).attempts(), "outside the window");
  }

  @Test
  void anUnknownEventTypeStoresNothing() throws SQLException {
    run(EventTypes.create(workspace, "invoice.paid", null, T0));
    EndpointRow refused = endpoint(workspace, List.of("invoice.paid", "invoice.void"), true, false);
    assertEquals(List.of("invoice.void"), run(Endpoints.createKnown(refused)));
    assertEquals(Optional.empty(), run(Endpoints.find(refused.id())));
    EndpointRow stored = endpoint(workspace, List.of("invoice.paid"), true, false);
    assertEquals(List.of(), run(Endpoints.createKnown(stored)));

    EndpointRow changed = new EndpointRow(stored.id(), workspace, stored.url(), null, List.of("nope"), "s", null,
        null, true, null, false, 1, 0, DeliveryOrdering.UNORDERED, T0, T0);
    assertEquals(new Endpoints.EndpointWrite(true, List.of("nope")), run(Endpoints.updateKnown(changed)));
    assertEquals(List.of("invoice.paid"), run(Endpoints.find(stored.id())).orElseThrow().eventTypes());

    assertEquals(Optional.empty(), run(Messages.publishKnown(message("invoice.void", "k", T0), T0.minus(WINDOW))));
    assertEquals(0, count("SELECT count(*) FROM webhook_message WHERE workspace_id = ?", workspace));
    assertTrue(run(Messages.publishKnown(message("invoice.paid", "k", T0), T0.minus(WINDOW))).isPresent());
    assertEquals(1, count("SELECT count(*) FROM webhook_delivery WHERE workspace_id = ?", workspace));
  }

  @Test
  void customEventTypesAndUnknownNames() throws SQLException {
    assertTrue(run(EventTypes.create(workspace, "invoice.paid", "an invoice was paid", T0)));
    assertFalse(run(EventTypes.create(workspace, "invoice.paid", "again", T0)));
    assertEquals(List.of("invoice.paid"), run(EventTypes.custom(workspace)).stream()
        .map(EventTypes.EventType::name).toList());
    assertEquals(List.of("invoice.void"), run(EventTypes.unknown(workspace,
        List.of("lead.hot", "invoice.paid", "invoice.void"))));
    assertEquals(List.of("invoice.paid"), run(EventTypes.unknown(otherWorkspace, List.of("invoice.paid"))));
    assertNotEquals(List.of(), run(EventTypes.unknown(workspace, List.of("Lead.Hot"))));
  }
}
