package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.LimitSettings;
import io.sluice.config.LimitSettings.LimitAlgorithmName;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The latency baseline's window and minima, and the exact boundaries of the grow, shrink and health rules. */
class CongestionSignalsTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();
  private static final long WINDOW = 30 * SECOND;

  /** Tolerance 1.5, failure threshold 0.2, grow at 0.5, shrink at 0.8 utilisation, 30 s baseline window. */
  private static LimitSettings settings(double failureRateThreshold) {
    return new LimitSettings(LimitAlgorithmName.GRADIENT, 1, 100, 2, Duration.ofMillis(250), 0.5, 0.8, 1.5,
        failureRateThreshold, Duration.ofNanos(WINDOW), 0.9, 1, 0.5);
  }

  private final CongestionSignals signals = new CongestionSignals(settings(0.2));

  /** An interval in which no work waited: 100 completions, none failed, all permits used. */
  private static LimitSample quiet(long now, long mean) {
    return new LimitSample(now, 10, 1.0, 0, 0, 100, mean, 0, 0);
  }

  /** An interval at the end of which work waited. */
  private static LimitSample waited(long now, long mean) {
    return new LimitSample(now, 10, 1.0, 5, SECOND, 100, mean, 0, 0);
  }

  private static LimitSample sample(double utilisation, int waiting, long completions, long mean, long failures,
      long timeouts) {
    return new LimitSample(0, 10, utilisation, waiting, 0, completions, mean, failures, timeouts);
  }

  /** A busy interval (utilisation 1, work waiting) at {@code mean}, against a baseline of 100. */
  private static LimitSample busy(long mean) {
    return sample(1.0, 5, 100, mean, 0, 0);
  }

  private void baselineOf100() {
    signals.observe(quiet(0, 100));
    assertEquals(100, signals.baselineNanos());
  }

  @Test
  void thereIsNoBaselineBeforeAnIntervalMeasuredALatency() {
    assertEquals(0, signals.baselineNanos());
    signals.observe(quiet(SECOND, 0));
    assertEquals(0, signals.baselineNanos());
  }

  @Test
  void theBaselineIsTheLowestIntervalMeanWithinTheWindow() {
    signals.observe(quiet(0, 100));
    signals.observe(quiet(SECOND, 80));
    signals.observe(quiet(2 * SECOND, 120));
    assertEquals(80, signals.baselineNanos());
  }

  @Test
  void anIntervalWithoutMeasuredLatencyLeavesTheBaselineAlone() {
    signals.observe(quiet(0, 50));
    signals.observe(quiet(SECOND, 0));
    signals.observe(quiet(2 * SECOND, 100));
    assertEquals(50, signals.baselineNanos());
  }

  @Test
  void theFirstMeasuredIntervalSetsTheBaselineEvenIfWorkWaited() {
    signals.observe(waited(0, 300));
    assertEquals(300, signals.baselineNanos());
  }

  @Test
  void intervalsInWhichWorkWaitedCanLowerTheBaselineButNeverRaiseIt() {
    signals.observe(quiet(0, 100));
    signals.observe(waited(SECOND, 150));
    assertEquals(100, signals.baselineNanos());
    // Steady overload outlasting the window still does not become the new normal.
    signals.observe(waited(WINDOW + 5 * SECOND, 150));
    assertEquals(100, signals.baselineNanos());
    signals.observe(waited(WINDOW + 6 * SECOND, 90));
    assertEquals(90, signals.baselineNanos());
  }

  @Test
  void anIntervalAtTheBaselineInWhichWorkWaitedKeepsTheBaselineAlive() {
    signals.observe(quiet(0, 50));
    signals.observe(waited(20 * SECOND, 50));
    // 40 s after the first 50 was seen, but only 20 s after the second.
    signals.observe(quiet(40 * SECOND, 70));
    assertEquals(50, signals.baselineNanos());
  }

  @Test
  void aMinimumExpiresOnlyOnceANewerIntervalReplacesIt() {
    signals.observe(quiet(0, 50));
    signals.observe(quiet(WINDOW + SECOND, 0));
    assertEquals(50, signals.baselineNanos(), "no newer measurement yet: the old minimum stays");
    signals.observe(quiet(WINDOW + 2 * SECOND, 70));
    assertEquals(70, signals.baselineNanos());
  }

  @Test
  void aMinimumExactlyOneWindowOldStillCounts() {
    signals.observe(quiet(0, 50));
    signals.observe(quiet(WINDOW, 70));
    assertEquals(50, signals.baselineNanos());
    signals.observe(quiet(WINDOW + 1, 75));
    assertEquals(70, signals.baselineNanos());
  }

  @Test
  void olderMinimaExpireAtTheWindowsEdgeEvenWithoutANewMeasurement() {
    signals.observe(quiet(0, 50));
    signals.observe(quiet(10 * SECOND, 70));
    signals.observe(quiet(WINDOW, 0));
    assertEquals(50, signals.baselineNanos(), "exactly one window old");
    signals.observe(quiet(WINDOW + 1, 0));
    assertEquals(70, signals.baselineNanos());
  }

  @Test
  void whenTheLowestExpiresTheNextLowestWithinTheWindowTakesOver() {
    signals.observe(quiet(0, 50));
    signals.observe(quiet(10 * SECOND, 70));
    signals.observe(quiet(35 * SECOND, 90));
    assertEquals(70, signals.baselineNanos());
  }

  @Test
  void latencyRisesOnlyStrictlyAboveBaselineTimesTolerance() {
    baselineOf100();
    assertFalse(signals.latencyRising(busy(150)));
    assertTrue(signals.latencyRising(busy(151)));
  }

  @Test
  void latencyCannotRiseWithoutABaselineOrWithoutCompletions() {
    assertFalse(signals.latencyRising(busy(1_000_000)), "no baseline yet");
    baselineOf100();
    assertFalse(signals.latencyRising(sample(1.0, 5, 0, 1_000, 0, 0)), "no completions");
  }

  @Test
  void aFailureRateAtTheThresholdIsCongestion() {
    baselineOf100();
    assertTrue(signals.congested(sample(1.0, 5, 100, 100, 20, 0)));
    assertFalse(signals.congested(sample(1.0, 5, 100, 100, 19, 0)));
  }

  @Test
  void risingLatencyAloneIsCongestion() {
    baselineOf100();
    assertTrue(signals.congested(busy(151)));
    assertFalse(signals.congested(busy(150)));
  }

  @Test
  void waitTimeOutsAloneAreNotCongestion() {
    baselineOf100();
    assertFalse(signals.congested(sample(1.0, 50, 100, 100, 0, 40)));
  }

  @Test
  void anIntervalWithoutCompletionsHasNoFailureRateEvenAtAZeroThreshold() {
    CongestionSignals strict = new CongestionSignals(settings(0.0));
    assertFalse(strict.congested(sample(1.0, 5, 0, 0, 0, 0)));
    assertTrue(strict.congested(sample(1.0, 5, 1, 100, 0, 0)), "at a zero threshold every completion counts");
  }

  @Test
  void shrinkRequiresCongestionAndAtLeastTheShrinkUtilisation() {
    baselineOf100();
    assertTrue(signals.shouldShrink(sample(0.8, 5, 100, 200, 0, 0)));
    assertFalse(signals.shouldShrink(sample(0.79, 5, 100, 200, 0, 0)));
    assertFalse(signals.shouldShrink(sample(1.0, 5, 100, 150, 0, 0)), "not congested");
  }

  @Test
  void aShrinkAfterWhichLatencyStayedWithinFivePercentDidNotHelp() {
    for (long unchanged : new long[] {950, 1_000, 1_050}) {
      CongestionSignals fresh = new CongestionSignals(settings(0.2));
      fresh.observe(quiet(0, 100));
      assertTrue(fresh.shouldShrink(busy(1_000)));
      fresh.shrank(busy(1_000));
      assertFalse(fresh.shouldShrink(busy(unchanged)), "latency " + unchanged + " after a shrink at 1000");
    }
  }

  @Test
  void aShrinkAfterWhichLatencyMovedMoreThanFivePercentMayBeFollowedByAnother() {
    for (long moved : new long[] {949, 1_051}) {
      CongestionSignals fresh = new CongestionSignals(settings(0.2));
      fresh.observe(quiet(0, 100));
      fresh.shrank(busy(1_000));
      assertTrue(fresh.shouldShrink(busy(moved)), "latency " + moved + " after a shrink at 1000");
    }
  }

  @Test
  void onceShrinkingDidNotHelpTheLimitHoldsUntilTheCongestionClears() {
    baselineOf100();
    signals.shrank(busy(1_000));
    assertFalse(signals.shouldShrink(busy(1_000)));
    assertFalse(signals.shouldShrink(busy(400)), "still congested: still no shrink");
    assertFalse(signals.shouldShrink(busy(100)), "the congestion cleared");
    assertTrue(signals.shouldShrink(busy(400)), "a new congestion may shrink again");
  }

  @Test
  void onlyTheIntervalRightAfterAShrinkIsComparedWithIt() {
    baselineOf100();
    signals.shrank(busy(1_000));
    assertTrue(signals.shouldShrink(busy(600)), "the shrink helped");
    // No shrink happened on the last interval: an unchanged latency now proves nothing.
    assertTrue(signals.shouldShrink(busy(1_000)));
  }

  @Test
  void anUncongestedIntervalForgetsTheLastShrink() {
    baselineOf100();
    signals.shrank(busy(1_000));
    assertFalse(signals.shouldShrink(busy(100)));
    assertTrue(signals.shouldShrink(busy(1_000)));
  }

  @Test
  void growRequiresDemandAtLeastTheGrowUtilisationAndNoCongestion() {
    baselineOf100();
    assertTrue(signals.shouldGrow(sample(0.5, 1, 100, 100, 0, 0)));
    assertTrue(signals.shouldGrow(sample(0.5, 0, 100, 100, 0, 1)), "work that gave up waiting is demand too");
    assertFalse(signals.shouldGrow(sample(0.49, 1, 100, 100, 0, 0)));
    assertFalse(signals.shouldGrow(sample(1.0, 0, 100, 100, 0, 0)), "nothing waits");
    assertFalse(signals.shouldGrow(sample(1.0, 1, 100, 151, 0, 0)), "latency rising");
    assertFalse(signals.shouldGrow(sample(1.0, 1, 100, 100, 20, 0)), "work failing");
  }

  @Test
  void withoutABaselineACompletionIsHealthyWithinToleranceOfTheFastest() {
    assertTrue(signals.healthyCompletion(150, 100));
    assertFalse(signals.healthyCompletion(151, 100));
  }

  @Test
  void withABaselineACompletionIsHealthyWithinToleranceOfTheLowerOfBaselineAndFastest() {
    signals.observe(quiet(0, 80));
    assertTrue(signals.healthyCompletion(120, 100));
    assertFalse(signals.healthyCompletion(121, 100));
    assertTrue(signals.healthyCompletion(90, 60));
    assertFalse(signals.healthyCompletion(91, 60));
  }
}
