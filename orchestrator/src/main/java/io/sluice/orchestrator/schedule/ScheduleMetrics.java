package io.sluice.orchestrator.schedule;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * The scheduler's series: schedules per queue ({@code sluice.schedules.registered{queue}}), firings by outcome,
 * skipped firings by reason, duplicate registrations, and the firing lag from due time to start. Queue names are
 * label values: past {@link #MAX_QUEUE_SERIES} distinct names the rest share the series {@code queue="other"}, so a
 * workspace creating names in a loop cannot grow the metric without bound.
 */
final class ScheduleMetrics {
  static final int MAX_QUEUE_SERIES = 100;
  static final String OTHER = "other";

  private final Map<String, Gauge> registered = new HashMap<>();
  private final Map<String, Counter> firings = new HashMap<>();
  private final Map<String, Counter> skipped = new HashMap<>();
  private final Counter duplicates = Kamon.counter("sluice.schedules.duplicate-registrations",
      "registrations that repeated an existing schedule unchanged").withoutTags();
  private final Histogram lag = Kamon.histogram("sluice.schedules.firing-lag",
      "from a firing's due time to its start", MeasurementUnit.time().milliseconds()).withoutTags();

  /** Sets the gauges from the schedules counted per queue; queues not counted any more drop to zero. */
  synchronized void registered(Map<String, Integer> perQueue) {
    Map<String, Integer> bounded = new HashMap<>();
    int admitted = registered.size();
    for (Map.Entry<String, Integer> entry : new java.util.TreeMap<>(perQueue).entrySet()) {
      boolean known = registered.containsKey(entry.getKey());
      String queue = known || admitted < MAX_QUEUE_SERIES ? entry.getKey() : OTHER;
      if (!known && !queue.equals(OTHER)) {
        admitted++;
      }
      bounded.merge(queue, entry.getValue(), Integer::sum);
    }
    registered.forEach((queue, gauge) -> gauge.update(bounded.getOrDefault(queue, 0)));
    bounded.forEach((queue, count) -> registered.computeIfAbsent(queue, q ->
        Kamon.gauge("sluice.schedules.registered", "active schedules per queue")
            .withTags(TagSet.of("queue", q))).update(count));
  }

  synchronized void fired(String queue, String outcome) {
    firings.computeIfAbsent(label(queue) + '\u0000' + outcome, key ->
        Kamon.counter("sluice.schedules.firings", "firings that ran, by outcome")
            .withTags(TagSet.builder().add("queue", label(queue)).add("outcome", outcome).build())).increment();
  }

  synchronized void skipped(String queue, String reason, long count) {
    if (count > 0) {
      skipped.computeIfAbsent(label(queue) + '\u0000' + reason, key ->
          Kamon.counter("sluice.schedules.skipped", "due times not run, by reason (overlap, missed)")
              .withTags(TagSet.builder().add("queue", label(queue)).add("reason", reason).build())).increment(count);
    }
  }

  void duplicateRegistration() {
    duplicates.increment();
  }

  void lag(Duration late) {
    lag.record(Math.max(0, late.toMillis()));
  }

  private String label(String queue) {
    if (registered.containsKey(queue) || registered.size() < MAX_QUEUE_SERIES) {
      return queue;
    }
    return OTHER;
  }
}
