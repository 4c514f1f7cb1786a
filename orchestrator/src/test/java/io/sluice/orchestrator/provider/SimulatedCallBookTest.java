package io.sluice.orchestrator.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.ProviderSettings;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated provider's decisions, without HTTP: idempotency, capacity, seeded choices. */
class SimulatedCallBookTest {
  private static final Map<CallOutcome, Double> MIX = Map.of(CallOutcome.ANSWERED, 2.0, CallOutcome.BUSY, 1.0,
      CallOutcome.VOICEMAIL, 1.0);

  private static CallRequestBody request(String leadId) {
    return new CallRequestBody("+14155550123", "Ada", Map.of(), "c-1", leadId, 1, "http://127.0.0.1:9/");
  }

  private static List<ProviderEvent> outcomes(ProviderSettings.Simulated settings, int calls) {
    SimulatedCallBook book = new SimulatedCallBook(settings);
    List<ProviderEvent> outcomes = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      var placed = assertInstanceOf(SimulatedCallBook.NewCall.class, book.place("key-" + i, request("lead-" + i)));
      outcomes.add(placed.placement().outcome());
    }
    return outcomes;
  }

  /** What the seed decides: everything but the ids. */
  private static List<List<Object>> choices(List<ProviderEvent> outcomes) {
    return outcomes.stream().map(event -> java.util.Arrays.<Object>asList(event.status(), event.durationSeconds(),
        event.summary(), event.score())).toList();
  }

  @Test
  void theSameSeedRepeatsEveryChoiceButNeverAnId() {
    ProviderSettings.Simulated settings = ProviderFixtures.simulated(Duration.ofSeconds(1), 100, Duration.ofSeconds(1),
        MIX, 0.3, 0.3);
    List<ProviderEvent> first = outcomes(settings, 50);
    List<ProviderEvent> again = outcomes(settings, 50);
    assertEquals(choices(first), choices(again));
    assertTrue(java.util.Collections.disjoint(first.stream().map(ProviderEvent::eventId).toList(),
        again.stream().map(ProviderEvent::eventId).toList()), "a receiver would take a rerun's events for duplicates");
    ProviderSettings.Simulated reseeded = new ProviderSettings.Simulated(true, 0, settings.latency(),
        settings.outcomeWeights(), 60, 15, 0, 0.3, 0.3, 100, settings.retryAfter(), 7);
    assertNotEquals(choices(first), choices(outcomes(reseeded, 50)));
  }

  @Test
  void outcomesFollowTheWeightsAndOnlyAnsweredCallsAreScored() {
    List<ProviderEvent> outcomes = outcomes(ProviderFixtures.simulated(Duration.ofSeconds(1), 1000,
        Duration.ofSeconds(1), MIX, 0, 0), 1000);
    long answered = outcomes.stream().filter(e -> e.status() == CallOutcome.ANSWERED).count();
    assertTrue(answered > 420 && answered < 580, "about half answered, was " + answered);
    assertTrue(outcomes.stream().allMatch(e -> MIX.containsKey(e.status())));
    for (ProviderEvent event : outcomes) {
      if (event.status() == CallOutcome.ANSWERED) {
        assertTrue(event.score() >= 0 && event.score() <= 100);
      } else {
        assertNull(event.score());
      }
    }
  }

  @Test
  void aKnownKeyReplaysItsCallAndTheCapRefusesNewOnes() {
    SimulatedCallBook book = new SimulatedCallBook(ProviderFixtures.simulated(Duration.ofSeconds(1), 1,
        Duration.ofSeconds(1)));
    var first = assertInstanceOf(SimulatedCallBook.NewCall.class, book.place("k1", request("lead-1")));
    var replay = assertInstanceOf(SimulatedCallBook.Replay.class, book.place("k1", request("lead-1")));
    assertEquals(first.placement().callId(), replay.callId());
    assertInstanceOf(SimulatedCallBook.AtCapacity.class, book.place("k2", request("lead-2")));
    book.callEnded();
    assertInstanceOf(SimulatedCallBook.NewCall.class, book.place("k2", request("lead-2")));
    assertEquals(2, book.callsPlaced());
    assertEquals(1, book.maxInFlight());
  }

  @Test
  void theBooksRememberTheNewestCallsOnlySoTheirMemoryIsBounded() {
    ProviderSettings.Simulated base = ProviderFixtures.simulated(Duration.ofSeconds(1), 10, Duration.ofSeconds(1),
        MIX, 0, 0);
    ProviderSettings.Simulated settings = new ProviderSettings.Simulated(true, 0, base.latency(),
        base.outcomeWeights(), 60, 15, 0, 0, 0, 10, base.retryAfter(), 1, 50);
    SimulatedCallBook book = new SimulatedCallBook(settings);
    for (int i = 0; i < 200; i++) {
      book.requestReceived(java.time.Instant.EPOCH.plusSeconds(i), "key-" + i);
      assertInstanceOf(SimulatedCallBook.NewCall.class, book.place("key-" + i, request("lead-" + i)));
      book.callEnded();
    }
    assertEquals(200, book.callsPlaced(), "every call counted");
    assertEquals(50, book.keysSeen().size());
    assertEquals(50, book.requestTimes().size());
    assertEquals(50, book.keysByLeadAttempt().size());
    assertTrue(book.keysSeen().contains("key-199") && !book.keysSeen().contains("key-149"), "the newest kept");
    assertInstanceOf(SimulatedCallBook.Replay.class, book.place("key-199", request("lead-199")),
        "a remembered key is replayed, not placed again");
  }
}
