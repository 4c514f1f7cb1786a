package io.sluice.orchestrator.provider;

import io.sluice.config.ProviderSettings;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/** Settings and calls for the provider tests; every value a test depends on is passed explicitly. */
final class ProviderFixtures {
  private static final java.util.concurrent.atomic.AtomicLong LEAD_IDS = new java.util.concurrent.atomic.AtomicLong();
  static final String VALID_NUMBER = "+14155550123";

  private ProviderFixtures() {}

  static ProviderSettings.Simulated simulated(Duration latency, int concurrencyCap, Duration retryAfter) {
    return simulated(latency, concurrencyCap, retryAfter, Map.of(CallOutcome.ANSWERED, 1.0), 0.0, 0.0);
  }

  static ProviderSettings.Simulated simulated(Duration latency, int concurrencyCap, Duration retryAfter,
      Map<CallOutcome, Double> weights, double dropRate, double duplicateRate) {
    Map<CallOutcome, Double> all = new EnumMap<>(CallOutcome.class);
    for (CallOutcome outcome : CallOutcome.values()) {
      all.put(outcome, weights.getOrDefault(outcome, 0.0));
    }
    return new ProviderSettings.Simulated(true, 0, latency, all, 60, 15, 0.0, dropRate, duplicateRate,
        concurrencyCap, retryAfter, 42);
  }

  static ProviderSettings client(String url, String callbackUrl, int callsPerSecond, int maxRetries, int queueSize) {
    return new ProviderSettings(url, "sk-test", "", Duration.ofMinutes(5), Duration.ofSeconds(3), maxRetries,
        Duration.ofMillis(50), Duration.ofMillis(400), callsPerSecond, 16, queueSize, callbackUrl,
        simulated(Duration.ofSeconds(1), 10, Duration.ofSeconds(1)));
  }

  /** A call for attempt 1 of a new lead of campaign {@code campaignId}, under a fresh idempotency key. */
  static PlaceCall call(String campaignId, String to, String callbackUrl) {
    String leadId = Long.toString(LEAD_IDS.incrementAndGet());
    return new PlaceCall(campaignId + ":" + leadId + ":1", to, "Ada Lovelace", Map.of("product", "solar"), campaignId,
        leadId, 1, callbackUrl);
  }
}
