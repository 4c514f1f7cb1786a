package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;

/** Additive increase while work waits and latency is stable, multiplicative decrease on congestion. */
final class AimdLimit implements LimitAlgorithm {
  private final LimitSettings settings;
  private final CongestionSignals signals;
  private int limit;
  /** The limit before the last shrink, restored if that shrink cost throughput. */
  private int beforeShrink;

  AimdLimit(LimitSettings settings, CongestionSignals signals, int startLimit) {
    this.settings = settings;
    this.signals = signals;
    this.limit = startLimit;
  }

  @Override
  public int limit() {
    return limit;
  }

  @Override
  public int update(LimitSample sample) {
    if (signals.shrinkCostThroughput(sample)) {
      limit = beforeShrink;
      return limit;
    }
    if (signals.shouldShrink(sample)) {
      signals.shrank(sample);
      beforeShrink = limit;
      limit = Math.min(limit - 1, (int) (limit * settings.backoffRatio()));
    } else if (signals.shouldGrow(sample)) {
      limit += settings.increase();
    }
    limit = Math.max(settings.minLimit(), Math.min(settings.maxLimit(), limit));
    return limit;
  }

}
