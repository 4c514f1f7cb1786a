package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;
import java.util.function.IntFunction;

/**
 * Slow start in front of an adaptive algorithm. After start-up and after every idle drain the limit begins at
 * {@code initial-limit} and, while work waits, grows by one permit per healthy completion (as TCP's slow start grows
 * per acknowledgement: the limit doubles per round trip of the work, however short) and doubles per evaluation
 * interval whose permits were used, until the first sign of congestion or the ceiling; then the chosen algorithm
 * takes over from the limit reached. A healthy database is thus reached at the speed of its own completions, while a
 * struggling one (slow or failing completions) stops the growth: waiters queue instead of opening connections all
 * at once.
 */
final class AdaptiveLimit implements LimitAlgorithm {
  private final LimitSettings settings;
  private final CongestionSignals signals;
  private final IntFunction<LimitAlgorithm> algorithmStartingAt;
  private LimitAlgorithm algorithm;
  private int slowStartLimit;
  /** The fastest completion since slow start began: the latency reference before a baseline exists. */
  private long fastestCompletion = Long.MAX_VALUE;

  AdaptiveLimit(LimitSettings settings, CongestionSignals signals, IntFunction<LimitAlgorithm> algorithmStartingAt) {
    this.settings = settings;
    this.signals = signals;
    this.algorithmStartingAt = algorithmStartingAt;
    this.slowStartLimit = settings.initialLimit();
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
  public void completed(long busyNanos, boolean failed, int waiting) {
    if (algorithm != null || failed || busyNanos < 0) {
      return;
    }
    fastestCompletion = Math.min(fastestCompletion, busyNanos);
    if (waiting > 0 && signals.healthyCompletion(busyNanos, fastestCompletion)) {
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
    fastestCompletion = Long.MAX_VALUE;
  }
}
