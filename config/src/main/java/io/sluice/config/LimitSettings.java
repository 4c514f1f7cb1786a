package io.sluice.config;

import java.time.Duration;

/**
 * How a pool supervisor adapts its permit limit ({@code sluice.pools.<name>.limit-control}).
 *
 * @param algorithm which {@link LimitAlgorithmName} runs after slow start
 * @param minLimit the limit never goes below this
 * @param maxLimit the limit never goes above this ({@code sluice.pools.<name>.limit}, at most the pool's max size)
 * @param initialLimit where slow start begins after start-up and after every idle drain
 * @param evaluationInterval how often the limit is re-evaluated, only while there are leases or waiters
 * @param growUtilisation never grow while time-averaged granted ÷ limit is below this
 * @param shrinkUtilisation shrink only while utilisation is at least this (and latency rises or waits time out)
 * @param latencyTolerance latency counts as rising when the interval's mean query time exceeds the baseline by this
 *     factor
 * @param failureRateThreshold a share of failed work at or above this counts as congestion
 * @param baselineWindow the latency baseline is the lowest interval mean seen within this window
 * @param backoffRatio AIMD: the limit is multiplied by this on congestion
 * @param increase AIMD: permits added per interval while growing
 * @param smoothing gradient: when shrinking, weight of the new estimate against the current limit (0..1]
 */
public record LimitSettings(
    LimitAlgorithmName algorithm,
    int minLimit,
    int maxLimit,
    int initialLimit,
    Duration evaluationInterval,
    double growUtilisation,
    double shrinkUtilisation,
    double latencyTolerance,
    double failureRateThreshold,
    Duration baselineWindow,
    double backoffRatio,
    int increase,
    double smoothing) {

  /** The limit algorithms Sluice ships. */
  public enum LimitAlgorithmName {
    FIXED,
    AIMD,
    GRADIENT
  }

  /** A fixed limit with no slow start: what a plain bounded pool does. */
  public static LimitSettings fixed(int limit) {
    return new LimitSettings(LimitAlgorithmName.FIXED, limit, limit, limit, Duration.ofSeconds(1), 0.5, 0.8, 1.5,
        0.2, Duration.ofSeconds(30), 0.9, 1, 0.5);
  }
}
