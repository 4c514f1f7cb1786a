package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;

/** Builds the limit algorithm {@code sluice.pools.<name>.limit-control} asks for. */
public final class LimitAlgorithms {
  private LimitAlgorithms() {}

  public static LimitAlgorithm create(LimitSettings settings) {
    if (settings.algorithm() == LimitSettings.LimitAlgorithmName.FIXED
        && settings.initialLimit() == settings.maxLimit()) {
      return new FixedLimit(settings.maxLimit());
    }
    CongestionSignals signals = new CongestionSignals(settings);
    return new AdaptiveLimit(settings, signals, start -> switch (settings.algorithm()) {
      case FIXED -> new FixedLimit(settings.maxLimit());
      case AIMD -> new AimdLimit(settings, signals, start);
      case GRADIENT -> new GradientLimit(settings, signals, start);
    });
  }
}
