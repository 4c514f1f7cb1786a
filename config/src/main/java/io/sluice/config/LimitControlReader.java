package io.sluice.config;

/**
 * Reads a {@code limit-control} section: how a supervisor adapts its permit limit. The governed pools
 * ({@code sluice.pools.<name>.limit-control}) and the call slots ({@code sluice.call-slots.limit-control}) share
 * its shape.
 */
final class LimitControlReader {
  private LimitControlReader() {}

  /**
   * @param key the section's path with a trailing dot, e.g. {@code sluice.pools.db.limit-control.}
   * @param maxKey the key of the limit's ceiling, named in problems
   * @param maxLimit the ceiling itself
   */
  static LimitSettings read(SettingsReader reader, String key, String maxKey, int maxLimit) {
    LimitSettings limit = new LimitSettings(
        reader.oneOf(key + "algorithm", LimitSettings.LimitAlgorithmName.class,
            LimitSettings.LimitAlgorithmName.GRADIENT),
        reader.intAtLeast(key + "min-limit", 1),
        maxLimit,
        reader.intAtLeast(key + "initial-limit", 1),
        reader.positiveDuration(key + "evaluation-interval"),
        reader.fraction(key + "grow-utilisation"),
        reader.fraction(key + "shrink-utilisation"),
        reader.doubleAbove(key + "latency-tolerance", 1.0, "it is the factor over the baseline latency at which"
            + " latency counts as rising, so at 1.0 the baseline itself is congestion and the gradient limit's"
            + " growth headroom (tolerance - ratio) / (tolerance - 1) is 0/0"),
        failureRateThreshold(reader, key + "failure-rate-threshold"),
        reader.positiveDuration(key + "baseline-window"),
        reader.fraction(key + "aimd.backoff-ratio"),
        reader.intAtLeast(key + "aimd.increase", 1),
        reader.fraction(key + "gradient.smoothing"));
    if (limit.minLimit() > limit.maxLimit()) {
      reader.fail(key + "min-limit", "is " + limit.minLimit() + " but must not exceed " + maxKey + " "
          + limit.maxLimit(), null);
    }
    if (limit.initialLimit() > limit.maxLimit() || limit.initialLimit() < limit.minLimit()) {
      reader.fail(key + "initial-limit", "is " + limit.initialLimit() + " but must lie between " + key
          + "min-limit " + limit.minLimit() + " and " + maxKey + " " + limit.maxLimit(), null);
    }
    if (limit.shrinkUtilisation() <= limit.growUtilisation()) {
      reader.fail(key + "shrink-utilisation", "is " + limit.shrinkUtilisation() + " but must be above " + key
          + "grow-utilisation " + limit.growUtilisation() + ", or the limit would grow and shrink on the same signal",
          null);
    }
    if (limit.backoffRatio() <= 0 || limit.backoffRatio() >= 1) {
      reader.fail(key + "aimd.backoff-ratio", "is " + limit.backoffRatio() + " but must lie strictly between 0 and 1",
          null);
    }
    if (limit.smoothing() <= 0) {
      reader.fail(key + "gradient.smoothing", "is " + limit.smoothing() + " but must be above 0", null);
    }
    if (limit.baselineWindow().compareTo(limit.evaluationInterval()) < 0) {
      reader.fail(key + "baseline-window", "is " + limit.baselineWindow() + " but must be at least " + key
          + "evaluation-interval " + limit.evaluationInterval(), null);
    }
    return limit;
  }

  /**
   * In (0, 1]: at 0 every interval with a completion would count as congestion (a share of 0 failures is "at or
   * above" it), so the limit could only shrink.
   */
  private static double failureRateThreshold(SettingsReader reader, String key) {
    double threshold = reader.doubleAbove(key, 0.0, "a failure share of 0 would count as congestion, so the limit"
        + " could never grow");
    return threshold > 1.0 ? reader.fail(key, "is " + threshold + " but must be at most 1.0", 1.0) : threshold;
  }
}
