package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;

/**
 * Scales the limit by how far the current query latency is from the baseline (gradient = tolerance × baseline ÷
 * current, in [0.5, 1]) and adds a queue allowance of √limit while work waits, smoothed against the current limit.
 * Unlike Gradient2 it grows only under {@link CongestionSignals#shouldGrow} (work waits, permits used, no congestion)
 * and shrinks only under {@link CongestionSignals#shouldShrink}, so moderate steady overload cannot make it creep.
 */
final class GradientLimit implements LimitAlgorithm {
  private final LimitSettings settings;
  private final CongestionSignals signals;
  private double estimate;

  GradientLimit(LimitSettings settings, CongestionSignals signals, int startLimit) {
    this.settings = settings;
    this.signals = signals;
    this.estimate = startLimit;
  }

  @Override
  public int limit() {
    return (int) estimate;
  }

  @Override
  public int update(LimitSample sample) {
    double current = limit();
    double target = current;
    if (signals.shouldShrink(sample)) {
      double gradient = sample.timeouts() > 0 && !signals.latencyRising(sample) ? 0.9 : gradient(sample);
      target = Math.min(current - 1, current * gradient);
    } else if (signals.shouldGrow(sample)) {
      target = current + Math.max(1, Math.sqrt(current));
    }
    estimate = estimate * (1 - settings.smoothing()) + target * settings.smoothing();
    if (target < current) {
      // Always give at least one permit back on congestion, however strong the smoothing.
      estimate = Math.min(estimate, current - 1);
    } else if (target > current) {
      estimate = Math.max(estimate, current + 1);
    }
    estimate = Math.max(settings.minLimit(), Math.min(settings.maxLimit(), estimate));
    return limit();
  }

  private double gradient(LimitSample sample) {
    double baseline = signals.baselineNanos();
    if (baseline <= 0 || sample.meanBusyNanos() <= 0) {
      return 0.9;
    }
    return Math.max(0.5, Math.min(1.0, settings.latencyTolerance() * baseline / sample.meanBusyNanos()));
  }

}
