package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;

/**
 * Moves the limit by how far the current query latency is from the baseline. On congestion it shrinks to limit ×
 * gradient (gradient = tolerance × baseline ÷ current, in [0.5, 1]), smoothed. While work waits (or gave up waiting) it grows by up
 * to the number of waiters and time-outs, at most doubling, scaled by the latency headroom left below the tolerance: at baseline latency
 * it recovers as fast as slow start, near the tolerance by one permit. Unlike Gradient2 it grows only under
 * {@link CongestionSignals#shouldGrow} (work waits, permits used, no congestion) against a baseline that cannot drift
 * up, so moderate steady overload cannot make it creep.
 */
final class GradientLimit implements LimitAlgorithm {
  private final LimitSettings settings;
  private final CongestionSignals signals;
  private double estimate;
  /** The estimate before the last shrink, restored if that shrink cost throughput. */
  private double beforeShrink;

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
    if (signals.shrinkCostThroughput(sample)) {
      estimate = beforeShrink;
      return limit();
    }
    double current = limit();
    if (signals.shouldShrink(sample)) {
      signals.shrank(sample);
      beforeShrink = estimate;
      double target = Math.min(current - 1, current * gradient(sample));
      estimate = estimate * (1 - settings.smoothing()) + target * settings.smoothing();
      // Always give at least one permit back on congestion, however strong the smoothing.
      estimate = Math.min(estimate, current - 1);
    } else if (signals.shouldGrow(sample)) {
      estimate = current + Math.max(1, Math.min(sample.waiting() + sample.timeouts(), current) * headroom(sample));
    }
    estimate = Math.max(settings.minLimit(), Math.min(settings.maxLimit(), estimate));
    return limit();
  }

  /** 1 at (or below) the baseline latency, 0 at the tolerance. */
  private double headroom(LimitSample sample) {
    double baseline = signals.baselineNanos();
    if (baseline <= 0 || sample.meanBusyNanos() <= 0) {
      return 1;
    }
    double ratio = sample.meanBusyNanos() / baseline;
    return Math.max(0, Math.min(1, (settings.latencyTolerance() - ratio) / (settings.latencyTolerance() - 1)));
  }

  private double gradient(LimitSample sample) {
    double baseline = signals.baselineNanos();
    if (baseline <= 0 || sample.meanBusyNanos() <= 0) {
      return 0.9;
    }
    return Math.max(0.5, Math.min(1.0, settings.latencyTolerance() * baseline / sample.meanBusyNanos()));
  }

}
