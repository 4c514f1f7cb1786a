package io.sluice.orchestrator.provider;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.tag.TagSet;

/**
 * The webhook's counters, each series built once with its full tag set: events taken, redeliveries ignored, and
 * events refused by reason ({@code sluice.provider.events.rejected{reason=...}}).
 */
final class ProviderWebhookMetrics {
  /** Why an event was refused; the lower-case name is the {@code reason} tag. */
  enum Rejection { MISSING_HEADERS, BAD_TIMESTAMP, STALE_TIMESTAMP, FUTURE_TIMESTAMP, BAD_SIGNATURE, MALFORMED, UNKNOWN_CALL,
    STORAGE_UNAVAILABLE }

  private final Counter accepted;
  private final Counter duplicate;
  private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);

  ProviderWebhookMetrics() {
    accepted = received("accepted");
    duplicate = received("duplicate");
    for (Rejection reason : Rejection.values()) {
      rejected.put(reason, Kamon.counter("sluice.provider.events.rejected", "provider events refused, by reason")
          .withTags(TagSet.of("reason", reason.name().toLowerCase(Locale.ROOT))));
    }
  }

  private static Counter received(String result) {
    return Kamon.counter("sluice.provider.events.received", "provider events taken, new or redelivered")
        .withTags(TagSet.of("result", result));
  }

  void accepted() {
    accepted.increment();
  }

  void duplicate() {
    duplicate.increment();
  }

  void rejected(Rejection reason) {
    rejected.get(reason).increment();
  }
}
