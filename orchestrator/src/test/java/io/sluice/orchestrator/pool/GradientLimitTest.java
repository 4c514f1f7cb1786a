package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.config.LimitSettings;
import io.sluice.config.LimitSettings.LimitAlgorithmName;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exact gradient limits after a shrink (smoothed, at least one permit back) and a grow (scaled by headroom). */
class GradientLimitTest {
  private static final long BASELINE = 100;

  /** Tolerance 1.5, failure threshold 0.2, grow at 0.5, shrink at 0.8 utilisation. */
  private static LimitSettings settings(int min, int max, double smoothing) {
    return new LimitSettings(LimitAlgorithmName.GRADIENT, min, max, 2, Duration.ofMillis(250), 0.5, 0.8, 1.5, 0.2,
        Duration.ofSeconds(30), 0.9, 1, smoothing);
  }

  private static CongestionSignals signalsWithBaseline(LimitSettings settings) {
    CongestionSignals signals = new CongestionSignals(settings);
    signals.observe(new LimitSample(0, 10, 1.0, 0, 0, 100, BASELINE, 0, 0));
    return signals;
  }

  private static GradientLimit gradient(int start, double smoothing) {
    LimitSettings settings = settings(1, 100, smoothing);
    return new GradientLimit(settings, signalsWithBaseline(settings), start);
  }

  /** A fully used interval with 100 completions. */
  private static LimitSample busy(long mean, int waiting, long failures, long timeouts) {
    return new LimitSample(0, 10, 1.0, waiting, 0, 100, mean, failures, timeouts);
  }

  @Test
  void startsAtTheLimitSlowStartReached() {
    assertEquals(7, gradient(7, 0.5).limit());
  }

  @Test
  void shrinksToLimitTimesToleranceTimesBaselineOverLatencySmoothed() {
    GradientLimit limit = gradient(20, 0.5);
    // gradient 1.5 x 100 / 200 = 0.75: target 15, smoothed 20 x 0.5 + 15 x 0.5 = 17.5
    assertEquals(17, limit.update(busy(200, 5, 0, 0)));
    // gradient 0.5 at 300: target min(16, 8.5), smoothed from the estimate 17.5, not the limit 17: 13
    assertEquals(13, limit.update(busy(300, 5, 0, 0)));
    assertEquals(13, limit.limit());
  }

  @Test
  void theShrinkIsSmoothedByItsWeight() {
    // 20 x 0.8 + 10 x 0.2 = 18 at gradient 0.5
    assertEquals(18, gradient(20, 0.2).update(busy(1_000, 5, 0, 0)));
    // 20 x 0 + 10 x 1
    assertEquals(10, gradient(20, 1.0).update(busy(1_000, 5, 0, 0)));
  }

  @Test
  void theGradientIsNeverBelowOneHalf() {
    // 1.5 x 100 / 1000 = 0.15, floored at 0.5: target 10, smoothed 15
    assertEquals(15, gradient(20, 0.5).update(busy(1_000, 5, 0, 0)));
  }

  @Test
  void failingWorkAtBaselineLatencyStillGivesBackAPermit() {
    // gradient 1.5 capped at 1: target min(19, 20) = 19, smoothed 19.5, at most 19
    assertEquals(19, gradient(20, 0.5).update(busy(BASELINE, 5, 20, 0)));
  }

  @Test
  void strongSmoothingStillGivesBackAtLeastOnePermit() {
    GradientLimit limit = gradient(10, 0.05);
    // headroom at 125 is 0.5: 10 + 3 x 0.5 = 11.5
    assertEquals(11, limit.update(busy(125, 3, 0, 0)));
    // target min(10, 5.5); 11.5 x 0.95 + 5.5 x 0.05 = 11.2 would keep 11 permits: one goes back all the same
    assertEquals(10, limit.update(busy(300, 3, 0, 0)));
  }

  @Test
  void withoutABaselineTheShrinkUsesAGradientOfNinetyPercent() {
    LimitSettings settings = settings(1, 100, 0.5);
    GradientLimit limit = new GradientLimit(settings, new CongestionSignals(settings), 50);
    // failures only: target min(49, 45) = 45, smoothed 47.5
    assertEquals(47, limit.update(busy(BASELINE, 5, 50, 0)));
  }

  @Test
  void failingWorkThatMeasuredNoLatencyShrinksByNinetyPercent() {
    assertEquals(47, gradient(50, 0.5).update(busy(0, 5, 50, 0)));
  }

  @Test
  void atBaselineLatencyItGrowsByTheWaitersAndTimeOuts() {
    assertEquals(15, gradient(10, 0.5).update(busy(BASELINE, 3, 0, 2)));
  }

  @Test
  void aGrowAtMostDoublesTheLimit() {
    assertEquals(20, gradient(10, 0.5).update(busy(BASELINE, 50, 0, 0)));
  }

  @Test
  void theGrowIsScaledByTheLatencyHeadroomLeft() {
    // 125 of a baseline of 100: half of the way to the tolerance 1.5 is left; 8 x 0.5 = 4
    assertEquals(14, gradient(10, 0.5).update(busy(125, 6, 0, 2)));
  }

  @Test
  void nearTheToleranceItStillGrowsByOnePermit() {
    assertEquals(11, gradient(10, 0.5).update(busy(149, 8, 0, 0)));
  }

  @Test
  void latencyBelowTheBaselineGivesNoMoreThanFullHeadroom() {
    assertEquals(14, gradient(10, 0.5).update(busy(50, 4, 0, 0)));
  }

  @Test
  void withoutABaselineOrWithoutMeasuredLatencyTheHeadroomIsFull() {
    LimitSettings settings = settings(1, 100, 0.5);
    GradientLimit noBaseline = new GradientLimit(settings, new CongestionSignals(settings), 10);
    assertEquals(14, noBaseline.update(busy(100, 4, 0, 0)));
    GradientLimit noLatency = gradient(10, 0.5);
    assertEquals(14, noLatency.update(new LimitSample(0, 10, 1.0, 4, 0, 0, 0, 0, 0)));
  }

  @Test
  void theLimitStaysBetweenItsMinimumAndMaximum() {
    LimitSettings settings = settings(5, 12, 0.5);
    GradientLimit grows = new GradientLimit(settings, signalsWithBaseline(settings), 10);
    assertEquals(12, grows.update(busy(BASELINE, 10, 0, 0)));
    GradientLimit shrinks = new GradientLimit(settings, signalsWithBaseline(settings), 6);
    // target min(5, 3), smoothed 4.5, floored at 5
    assertEquals(5, shrinks.update(busy(1_000, 5, 0, 0)));
  }

  @Test
  void withoutDemandOrCongestionTheLimitHolds() {
    GradientLimit limit = gradient(10, 0.5);
    assertEquals(10, limit.update(busy(BASELINE, 0, 0, 0)));
    assertEquals(10, limit.update(new LimitSample(0, 10, 0.6, 0, 0, 100, 1_000, 0, 0)), "congested but not busy");
  }

  @Test
  void aShrinkThatDidNotBringLatencyDownIsNotRepeated() {
    GradientLimit limit = gradient(20, 0.5);
    assertEquals(15, limit.update(busy(1_000, 5, 0, 0)));
    assertEquals(15, limit.update(busy(1_000, 5, 0, 0)));
  }
}
