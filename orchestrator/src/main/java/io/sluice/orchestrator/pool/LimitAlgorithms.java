package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;

/** Builds the limit algorithm {@code sluice.pools.<name>.limit-control} asks for. */
public final class LimitAlgorithms {
  private LimitAlgorithms() {}

  /** {@code fixed} is always exactly {@code limit}, without slow start; the others slow-start first. */
  public static LimitAlgorithm create(LimitSettings settings) {
    if (settings.algorithm() == LimitSettings.LimitAlgorithmName.FIXED) {
      return new FixedLimit(settings.maxLimit());
    }
    CongestionSignals signals = new CongestionSignals(settings);
    return new AdaptiveLimit(settings, signals, start -> switch (settings.algorithm()) {
      case AIMD -> new AimdLimit(settings, signals, start);
      case GRADIENT -> new GradientLimit(settings, signals, start);
      case FIXED -> throw new IllegalStateException("a fixed limit has no slow start");
    });
  }
}
