package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;
import java.util.function.IntFunction;

/**
 * Slow start in front of an adaptive algorithm. After start-up and after every idle drain the limit begins at
 * {@code initial-limit}. The first completions at that limit (two rounds of it) give the reference latency of
 * uncontended work, which also seeds the congestion baseline. Then, while work waits, the limit grows by one permit
 * per completion within the latency tolerance of that reference (as TCP's slow start grows per acknowledgement: the
 * limit doubles per round trip of the work, however short), and doubles per evaluation interval whose permits were
 * used, until the first sign of congestion or the ceiling; then the chosen algorithm takes over from the limit
 * reached. A healthy database is thus reached at the speed of its own completions, while a struggling one (slow or
 * failing completions) stops the growth, and the overshoot of the last round trip shows as congestion against the
 * seeded baseline at the next evaluation.
 */
final class AdaptiveLimit implements LimitAlgorithm {
  private final LimitSettings settings;
  private final CongestionSignals signals;
  private final IntFunction<LimitAlgorithm> algorithmStartingAt;
  private LimitAlgorithm algorithm;
  private int slowStartLimit;
  /** Completions whose latency forms the reference: two rounds of the initial limit. */
  private final int referenceCompletions;
  private long referenceSum;
  private int referenceCount;
  /** Mean latency of the first completions since slow start began; 0 until they are in. */
  private long referenceLatency;

  AdaptiveLimit(LimitSettings settings, CongestionSignals signals, IntFunction<LimitAlgorithm> algorithmStartingAt) {
    this.settings = settings;
    this.signals = signals;
    this.algorithmStartingAt = algorithmStartingAt;
    this.slowStartLimit = settings.initialLimit();
    this.referenceCompletions = 2 * settings.initialLimit();
  }

  boolean inSlowStart() {
    return algorithm == null;
  }

  @Override
  public int limit() {
    return algorithm == null ? slowStartLimit : algorithm.limit();
  }

  @Override
  public int update(LimitSample sample) {
    signals.observe(sample);
    if (algorithm != null) {
      return algorithm.update(sample);
    }
    if (signals.congested(sample)) {
      algorithm = algorithmStartingAt.apply(slowStartLimit);
      return algorithm.update(sample);
    }
    if (sample.demandExceedsLimit() && sample.utilisation() >= settings.growUtilisation()) {
      growSlowStartTo(slowStartLimit * 2);
    }
    return limit();
  }

  @Override
  public void completed(long nowNanos, long busyNanos, boolean failed, int waiting) {
    if (algorithm != null || failed || busyNanos < 0) {
      return;
    }
    if (referenceLatency == 0) {
      referenceSum += busyNanos;
      if (++referenceCount == referenceCompletions) {
        referenceLatency = Math.max(1, referenceSum / referenceCount);
        signals.observeUncontended(nowNanos, referenceLatency);
      }
      return;
    }
    if (waiting > 0 && signals.healthyCompletion(busyNanos, referenceLatency)) {
      growSlowStartTo(slowStartLimit + 1);
    }
  }

  private void growSlowStartTo(int proposed) {
    slowStartLimit = Math.min(settings.maxLimit(), proposed);
    if (slowStartLimit == settings.maxLimit()) {
      algorithm = algorithmStartingAt.apply(slowStartLimit);
    }
  }

  @Override
  public void restart() {
    algorithm = null;
    slowStartLimit = settings.initialLimit();
    referenceSum = 0;
    referenceCount = 0;
    referenceLatency = 0;
  }
}
