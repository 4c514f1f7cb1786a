package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;
import java.util.function.IntFunction;

/**
 * Slow start in front of an adaptive algorithm. After start-up and after every idle drain the limit begins at
 * {@code initial-limit} and doubles per evaluation interval while work waits and permits are used, until the first
 * sign of congestion or the ceiling; then the chosen algorithm takes over from the limit reached. This is what keeps a
 * cold start from stampeding the database: waiters queue instead of opening connections all at once.
 */
final class AdaptiveLimit implements LimitAlgorithm {
  private final LimitSettings settings;
  private final CongestionSignals signals;
  private final IntFunction<LimitAlgorithm> algorithmStartingAt;
  private LimitAlgorithm algorithm;
  private int slowStartLimit;

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
    if (sample.waiting() > 0 && sample.utilisation() >= settings.growUtilisation()) {
      slowStartLimit = Math.min(settings.maxLimit(), slowStartLimit * 2);
      if (slowStartLimit == settings.maxLimit()) {
        algorithm = algorithmStartingAt.apply(slowStartLimit);
      }
    }
    return limit();
  }

  @Override
  public void restart() {
    algorithm = null;
    slowStartLimit = settings.initialLimit();
  }
}
