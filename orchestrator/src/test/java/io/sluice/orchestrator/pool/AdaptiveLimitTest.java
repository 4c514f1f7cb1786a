package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.LimitSettings;
import io.sluice.config.LimitSettings.LimitAlgorithmName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slow start's growth per busy interval and per healthy completion, and where it hands over to the algorithm. */
class AdaptiveLimitTest {
  private static final long LATENCY = 100;

  private final LimitSettings settings = settings(2, 10);
  private final List<Integer> handedOverAt = new ArrayList<>();
  private final AdaptiveLimit limit = adaptive(settings);
  private long now;

  /** Tolerance 1.5, failure threshold 0.2, grow at 0.5 utilisation. */
  private static LimitSettings settings(int initial, int max) {
    return new LimitSettings(LimitAlgorithmName.GRADIENT, 1, max, initial, Duration.ofMillis(250), 0.5, 0.8, 1.5,
        0.2, Duration.ofSeconds(30), 0.9, 1, 0.5);
  }

  /** Hands over to a fixed limit at the hand-over point, so that the point shows. */
  private AdaptiveLimit adaptive(LimitSettings limitSettings) {
    return new AdaptiveLimit(limitSettings, new CongestionSignals(limitSettings), start -> {
      handedOverAt.add(start);
      return new FixedLimit(start);
    });
  }

  private LimitSample sample(double utilisation, int waiting, long mean, long failures, long timeouts) {
    now += Duration.ofMillis(250).toNanos();
    return new LimitSample(now, limit.limit(), utilisation, waiting, 0, 100, mean, failures, timeouts);
  }

  private LimitSample busyAndWaiting(long mean) {
    return sample(1.0, 5, mean, 0, 0);
  }

  @Test
  void slowStartBeginsAtTheInitialLimit() {
    assertEquals(2, limit.limit());
    assertTrue(limit.inSlowStart());
    assertTrue(limit.adaptive());
  }

  @Test
  void anIntervalWhosePermitsWereUsedWhileWorkWaitedDoublesTheLimit() {
    assertEquals(4, limit.update(sample(0.5, 1, LATENCY, 0, 0)));
    assertEquals(8, limit.update(sample(0.5, 0, LATENCY, 0, 1)), "work that gave up waiting is demand too");
    assertTrue(limit.inSlowStart());
  }

  @Test
  void anIntervalWithoutDemandOrWithUnusedPermitsDoesNotGrow() {
    assertEquals(2, limit.update(sample(1.0, 0, LATENCY, 0, 0)));
    assertEquals(2, limit.update(sample(0.49, 5, LATENCY, 0, 0)));
    assertTrue(limit.inSlowStart());
    assertEquals(List.of(), handedOverAt);
  }

  @Test
  void slowStartHandsOverAtTheCeiling() {
    limit.update(busyAndWaiting(LATENCY));
    limit.update(busyAndWaiting(LATENCY));
    assertEquals(8, limit.limit());
    assertTrue(limit.inSlowStart());
    assertEquals(10, limit.update(busyAndWaiting(LATENCY)), "16 capped at the ceiling");
    assertFalse(limit.inSlowStart());
    assertEquals(List.of(10), handedOverAt);
  }

  @Test
  void slowStartHandsOverAtTheFirstCongestionFromTheLimitReached() {
    assertEquals(4, limit.update(busyAndWaiting(LATENCY)));
    assertEquals(4, limit.update(busyAndWaiting(LATENCY * 2)), "latency doubled against the first interval's");
    assertFalse(limit.inSlowStart());
    assertEquals(List.of(4), handedOverAt);
  }

  @Test
  void failingWorkEndsSlowStartToo() {
    assertEquals(2, limit.update(sample(1.0, 5, LATENCY, 20, 0)));
    assertEquals(List.of(2), handedOverAt);
  }

  @Test
  void afterTheHandOverTheAlgorithmAloneDecides() {
    limit.update(busyAndWaiting(LATENCY));
    limit.update(busyAndWaiting(LATENCY * 2));
    assertEquals(4, limit.update(busyAndWaiting(LATENCY)));
    measureTheReference(LATENCY);
    limit.completed(now, LATENCY, false, 5);
    assertEquals(4, limit.limit(), "no per-completion growth once slow start is over");
    assertEquals(List.of(4), handedOverAt);
  }

  /** The first two rounds of the initial limit (2): the completions that set the reference latency. */
  private void measureTheReference(long latency) {
    for (int i = 0; i < 4; i++) {
      limit.completed(now, latency, false, 5);
    }
  }

  @Test
  void theFirstTwoRoundsAtTheInitialLimitOnlyMeasureTheReference() {
    for (int i = 0; i < 4; i++) {
      assertEquals(2, limit.limit(), "completion " + i);
      limit.completed(now, LATENCY, false, 5);
    }
    assertEquals(2, limit.limit());
    limit.completed(now, LATENCY, false, 5);
    assertEquals(3, limit.limit());
  }

  @Test
  void eachHealthyCompletionWhileWorkWaitsAddsOnePermit() {
    measureTheReference(LATENCY);
    limit.completed(now, 100, false, 1);
    assertEquals(3, limit.limit());
    limit.completed(now, 150, false, 1);
    assertEquals(4, limit.limit(), "within the tolerance of the reference");
    limit.completed(now, 151, false, 1);
    assertEquals(4, limit.limit(), "beyond it");
  }

  @Test
  void theReferenceIsTheMeanOfItsCompletions() {
    limit.completed(now, 50, false, 5);
    limit.completed(now, 150, false, 5);
    limit.completed(now, 50, false, 5);
    limit.completed(now, 150, false, 5);
    limit.completed(now, 150, false, 5);
    assertEquals(3, limit.limit(), "150 is within 1.5 x the mean 100");
    limit.completed(now, 151, false, 5);
    assertEquals(3, limit.limit(), "151 is not");
  }

  @Test
  void theReferenceSeedsTheBaseline() {
    measureTheReference(LATENCY);
    limit.update(busyAndWaiting(LATENCY * 2));
    assertFalse(limit.inSlowStart(), "twice the reference is congestion");
    assertEquals(List.of(2), handedOverAt);
  }

  @Test
  void completionsWhileNothingWaitsDoNotGrow() {
    measureTheReference(LATENCY);
    limit.completed(now, 100, false, 0);
    assertEquals(2, limit.limit());
  }

  @Test
  void failedCompletionsNeitherGrowNorCountForTheReference() {
    limit.completed(now, 10, true, 5);
    measureTheReference(LATENCY);
    limit.completed(now, 150, false, 5);
    assertEquals(3, limit.limit(), "the reference is 100: the failed 10 does not count");
    limit.completed(now, 10, true, 5);
    assertEquals(3, limit.limit());
  }

  @Test
  void completionsThatMeasuredNoLatencyNeitherGrowNorCountForTheReference() {
    limit.completed(now, -1, false, 5);
    measureTheReference(LATENCY);
    limit.completed(now, 150, false, 5);
    assertEquals(3, limit.limit());
    limit.completed(now, -1, false, 5);
    assertEquals(3, limit.limit());
  }

  @Test
  void aReferenceMeasuredAsZeroIsStillAReference() {
    measureTheReference(0);
    limit.completed(now, 1, false, 5);
    assertEquals(3, limit.limit());
    limit.completed(now, 2, false, 5);
    assertEquals(3, limit.limit(), "the reference is at least 1 ns");
  }

  @Test
  void onceABaselineExistsCompletionsAreJudgedAgainstIt() {
    limit.update(sample(1.0, 0, LATENCY, 0, 0));
    measureTheReference(200);
    limit.completed(now, 200, false, 5);
    assertEquals(2, limit.limit(), "the reference is 200, but the baseline is 100");
    limit.completed(now, 150, false, 5);
    assertEquals(3, limit.limit());
  }

  @Test
  void completionsGrowingToTheCeilingHandOver() {
    AdaptiveLimit small = adaptive(settings(2, 3));
    for (int i = 0; i < 4; i++) {
      small.completed(now, 100, false, 5);
    }
    small.completed(now, 100, false, 5);
    assertEquals(3, small.limit());
    assertFalse(small.inSlowStart());
    assertEquals(List.of(3), handedOverAt);
    small.completed(now, 100, false, 5);
    assertEquals(3, small.limit());
  }

  @Test
  void restartGoesBackToSlowStartAtTheInitialLimit() {
    limit.update(busyAndWaiting(LATENCY));
    limit.update(busyAndWaiting(LATENCY * 2));
    assertFalse(limit.inSlowStart());
    limit.restart();
    assertTrue(limit.inSlowStart());
    assertEquals(2, limit.limit());
    assertEquals(4, limit.update(busyAndWaiting(LATENCY)));
  }

  @Test
  void restartMeasuresTheReferenceAgain() {
    measureTheReference(LATENCY);
    limit.completed(now, LATENCY, false, 1);
    assertEquals(3, limit.limit());
    limit.restart();
    measureTheReference(LATENCY);
    assertEquals(2, limit.limit(), "four completions after the restart only measured");
    limit.completed(now, LATENCY, false, 1);
    assertEquals(3, limit.limit());
  }
}
