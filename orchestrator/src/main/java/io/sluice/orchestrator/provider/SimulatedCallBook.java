package io.sluice.orchestrator.provider;

import io.sluice.config.ProviderSettings;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The simulated provider's books: idempotency keys and their calls, calls in progress, and everything a test may
 * want to assert (requests received, keys per lead attempt, the most calls ever in progress at once). Every random
 * choice comes from one seeded {@link Random} under this object's lock, so a sequential run repeats exactly. The
 * books keep the newest {@code remember-calls} keys, requests and lead attempts and forget older ones (a replay of a
 * forgotten key would place a second call), so the simulator's memory stays bounded in a long-running service.
 */
final class SimulatedCallBook {
  private final ProviderSettings.Simulated settings;
  private final Random random;
  private final double totalWeight;
  private final Map<String, String> callIdByKey;
  private final Map<SimulatedProvider.LeadAttempt, Set<String>> keysByLeadAttempt;
  private final ArrayDeque<Instant> requestTimes = new ArrayDeque<>();
  private final Set<String> keysSeen;
  private long callsPlaced;
  private int inFlight;
  private int maxInFlight;
  private int failNext;

  /** A call just placed and how it will go; {@code failResponse}: answer 500 although the call is placed. */
  record Placement(String callId, ProviderEvent outcome, boolean failResponse, boolean drop, boolean duplicate) {}

  /** What a request to place a call gets. */
  sealed interface Decision {}

  record NewCall(Placement placement) implements Decision {}

  /** A key seen before: its first call, placed no second time; {@code failResponse} as for a new call. */
  record Replay(String callId, boolean failResponse) implements Decision {}

  record AtCapacity() implements Decision {}

  SimulatedCallBook(ProviderSettings.Simulated settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
    this.totalWeight = settings.outcomeWeights().values().stream().mapToDouble(Double::doubleValue).sum();
    this.callIdByKey = newest(settings.rememberCalls());
    this.keysByLeadAttempt = newest(settings.rememberCalls());
    this.keysSeen = Collections.newSetFromMap(newest(settings.rememberCalls()));
  }

  /** A map in insertion order that forgets its eldest entry beyond {@code capacity}. */
  private static <K, V> Map<K, V> newest(int capacity) {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Notes a request to place a call, whatever its fate ({@code key} null if it had none). */
  synchronized void requestReceived(Instant at, String key) {
    requestTimes.add(at);
    if (requestTimes.size() > settings.rememberCalls()) {
      requestTimes.poll();
    }
    if (key != null) {
      keysSeen.add(key);
    }
  }

  synchronized void failNext(int requests) {
    failNext += requests;
  }

  /** Places a call for a key never seen, replays the call of a known key, or refuses beyond the concurrency cap. */
  synchronized Decision place(String key, CallRequestBody request) {
    String known = callIdByKey.get(key);
    if (known != null) {
      return new Replay(known, failThisAnswer());
    }
    if (inFlight >= settings.concurrencyCap()) {
      return new AtCapacity();
    }
    // Ids are unique across runs like a real provider's (the receiver's inbox remembers event ids for good); only
    // the outcomes follow the seed.
    String callId = "call_" + UUID.randomUUID();
    callIdByKey.put(key, callId);
    callsPlaced++;
    keysByLeadAttempt.computeIfAbsent(
        new SimulatedProvider.LeadAttempt(request.campaignId(), request.leadId(), request.attempt()),
        any -> new LinkedHashSet<>()).add(key);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    boolean fail = failThisAnswer();
    ProviderEvent outcome = outcome(key, callId, request);
    return new NewCall(new Placement(callId, outcome, fail, random.nextDouble() < settings.dropRate(),
        random.nextDouble() < settings.duplicateRate()));
  }

  /** Whether the answer to a call placed (or replayed) is lost to a 500: a forced failure first, else by chance. */
  private boolean failThisAnswer() {
    if (failNext > 0) {
      failNext--;
      return true;
    }
    return random.nextDouble() < settings.failureRate();
  }

  synchronized void callEnded() {
    inFlight--;
  }

  private ProviderEvent outcome(String key, String callId, CallRequestBody request) {
    CallOutcome status = drawOutcome();
    long duration = switch (status) {
      case ANSWERED -> 30 + random.nextInt(270);
      case VOICEMAIL -> 20 + random.nextInt(20);
      default -> 0;
    };
    Integer score = status == CallOutcome.ANSWERED
        ? (int) Math.max(0, Math.min(100, Math.round(settings.scoreMean()
            + settings.scoreStddev() * random.nextGaussian())))
        : null;
    String summary = switch (status) {
      case ANSWERED -> "Simulated conversation with " + request.leadName();
      case VOICEMAIL -> "Left a voicemail";
      default -> null;
    };
    String eventId = "evt_" + UUID.randomUUID();
    return new ProviderEvent(eventId, callId, key, request.campaignId(), request.leadId(), request.attempt(), status,
        duration, summary, score);
  }

  private CallOutcome drawOutcome() {
    double point = random.nextDouble() * totalWeight;
    CallOutcome last = CallOutcome.ANSWERED;
    for (CallOutcome outcome : CallOutcome.values()) {
      double weight = settings.outcomeWeights().getOrDefault(outcome, 0.0);
      if (weight > 0) {
        last = outcome;
        point -= weight;
        if (point < 0) {
          return outcome;
        }
      }
    }
    return last; // rounding at the very top of the range
  }

  synchronized List<Instant> requestTimes() {
    return List.copyOf(requestTimes);
  }

  synchronized Set<String> keysSeen() {
    return Set.copyOf(keysSeen);
  }

  /** Every call placed since start, also those forgotten since. */
  synchronized long callsPlaced() {
    return callsPlaced;
  }

  synchronized Map<SimulatedProvider.LeadAttempt, Set<String>> keysByLeadAttempt() {
    Map<SimulatedProvider.LeadAttempt, Set<String>> copy = new HashMap<>();
    keysByLeadAttempt.forEach((attempt, keys) -> copy.put(attempt, Set.copyOf(keys)));
    return copy;
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }
}
