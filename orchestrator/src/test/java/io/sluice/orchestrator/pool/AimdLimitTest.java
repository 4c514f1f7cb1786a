package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.config.LimitSettings;
import io.sluice.config.LimitSettings.LimitAlgorithmName;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exact AIMD steps: add the increase on a healthy busy interval, multiply by the backoff ratio on congestion. */
class AimdLimitTest {
  private static final long BASELINE = 100;

  private static AimdLimit aimd(int min, int max, double backoffRatio, int increase, int start) {
    LimitSettings settings = new LimitSettings(LimitAlgorithmName.AIMD, min, max, 2, Duration.ofMillis(250), 0.5,
        0.8, 1.5, 0.2, Duration.ofSeconds(30), backoffRatio, increase, 0.5);
    CongestionSignals signals = new CongestionSignals(settings);
    signals.observe(new LimitSample(0, 10, 1.0, 0, 0, 100, BASELINE, 0, 0));
    return new AimdLimit(settings, signals, start);
  }

  private static LimitSample busy(long mean, int waiting) {
    return new LimitSample(0, 10, 1.0, waiting, 0, 100, mean, 0, 0);
  }

  @Test
  void startsAtTheLimitSlowStartReached() {
    assertEquals(6, aimd(1, 100, 0.9, 1, 6).limit());
  }

  @Test
  void aHealthyIntervalWithWaitingWorkAddsTheIncrease() {
    AimdLimit limit = aimd(1, 100, 0.9, 3, 10);
    assertEquals(13, limit.update(busy(BASELINE, 5)));
    assertEquals(16, limit.update(busy(BASELINE, 5)));
    assertEquals(16, limit.limit());
  }

  @Test
  void congestionMultipliesTheLimitByTheBackoffRatioRoundedDown() {
    assertEquals(18, aimd(1, 100, 0.9, 1, 20).update(busy(1_000, 5)));
    assertEquals(4, aimd(1, 100, 0.9, 1, 5).update(busy(1_000, 5)));
    assertEquals(10, aimd(1, 100, 0.5, 1, 20).update(busy(1_000, 5)));
  }

  @Test
  void congestionGivesBackAtLeastOnePermitWhateverTheRatio() {
    assertEquals(19, aimd(1, 100, 1.0, 1, 20).update(busy(1_000, 5)));
  }

  @Test
  void theLimitStaysBetweenItsMinimumAndMaximum() {
    assertEquals(12, aimd(5, 12, 0.9, 4, 10).update(busy(BASELINE, 5)));
    assertEquals(5, aimd(5, 12, 0.5, 1, 6).update(busy(1_000, 5)));
  }

  @Test
  void withoutDemandOrCongestionTheLimitHolds() {
    AimdLimit limit = aimd(1, 100, 0.9, 1, 10);
    assertEquals(10, limit.update(busy(BASELINE, 0)));
  }

  @Test
  void aBackoffThatDidNotBringLatencyDownIsNotRepeated() {
    AimdLimit limit = aimd(1, 100, 0.9, 1, 20);
    assertEquals(18, limit.update(busy(1_000, 5)));
    assertEquals(18, limit.update(busy(1_000, 5)));
    assertEquals(18, limit.update(busy(600, 5)), "still congested: the limit holds until the congestion clears");
    assertEquals(18, limit.update(busy(BASELINE, 0)));
    assertEquals(16, limit.update(busy(1_000, 5)), "a new congestion backs off again");
  }
}
