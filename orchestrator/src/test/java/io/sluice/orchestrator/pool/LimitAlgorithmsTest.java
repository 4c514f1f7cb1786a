package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.LimitSettings;
import io.sluice.config.LimitSettings.LimitAlgorithmName;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limit algorithms fed with hand-made evaluation samples: pure, deterministic, no actor needed. */
class LimitAlgorithmsTest {
  private static final long INTERVAL = Duration.ofMillis(250).toNanos();
  private static final long BASE_LATENCY = Duration.ofMillis(20).toNanos();

  private long now;

  private static LimitSettings settings(LimitAlgorithmName algorithm, int min, int max, int initial) {
    return new LimitSettings(algorithm, min, max, initial, Duration.ofMillis(250), 0.5, 0.8, 1.5, 0.2,
        Duration.ofSeconds(30), 0.9, 1, 0.5);
  }

  /** A sample of one interval at the given limit. */
  private LimitSample sample(int limit, double utilisation, int waiting, long latencyNanos, long timeouts) {
    now += INTERVAL;
    return new LimitSample(now, limit, utilisation, waiting, waiting > 0 ? INTERVAL : 0, 50, latencyNanos, 0,
        timeouts);
  }

  private LimitSample busyAndWaiting(LimitAlgorithm algorithm, long latencyNanos) {
    return sample(algorithm.limit(), 1.0, 100, latencyNanos, 0);
  }

  @Test
  void fixedNeverChangesNeedsNoTimerAndIgnoresTheInitialLimit() {
    LimitAlgorithm fixed = LimitAlgorithms.create(settings(LimitAlgorithmName.FIXED, 2, 10, 2));
    assertFalse(fixed.adaptive());
    assertEquals(10, fixed.limit(), "fixed means `limit` from the first request: no slow start");
    assertEquals(10, fixed.update(busyAndWaiting(fixed, BASE_LATENCY * 5)));
  }

  @Test
  void slowStartDoublesWhileWorkWaitsUpToTheCeilingThenHandsOver() {
    LimitAlgorithm limit = LimitAlgorithms.create(settings(LimitAlgorithmName.GRADIENT, 2, 20, 2));
    assertEquals(2, limit.limit());
    assertEquals(4, limit.update(busyAndWaiting(limit, BASE_LATENCY)));
    assertEquals(8, limit.update(busyAndWaiting(limit, BASE_LATENCY)));
    assertEquals(16, limit.update(busyAndWaiting(limit, BASE_LATENCY)));
    assertTrue(((AdaptiveLimit) limit).inSlowStart());
    assertEquals(20, limit.update(busyAndWaiting(limit, BASE_LATENCY)));
    assertFalse(((AdaptiveLimit) limit).inSlowStart());
  }

  @Test
  void slowStartDoesNotGrowWithoutDemand() {
    LimitAlgorithm limit = LimitAlgorithms.create(settings(LimitAlgorithmName.GRADIENT, 2, 20, 2));
    assertEquals(2, limit.update(sample(2, 1.0, 0, BASE_LATENCY, 0)));
    assertEquals(2, limit.update(sample(2, 0.3, 50, BASE_LATENCY, 0)));
    assertTrue(((AdaptiveLimit) limit).inSlowStart());
  }

  @Test
  void slowStartEndsAtTheFirstSignOfCongestion() {
    LimitAlgorithm limit = LimitAlgorithms.create(settings(LimitAlgorithmName.AIMD, 2, 64, 2));
    limit.update(busyAndWaiting(limit, BASE_LATENCY));
    limit.update(busyAndWaiting(limit, BASE_LATENCY));
    assertEquals(8, limit.limit());
    int afterCongestion = limit.update(busyAndWaiting(limit, BASE_LATENCY * 3));
    assertFalse(((AdaptiveLimit) limit).inSlowStart());
    assertEquals(7, afterCongestion, "AIMD backs off from where slow start stopped");
  }

  @Test
  void restartGoesBackToTheInitialLimit() {
    LimitAlgorithm limit = LimitAlgorithms.create(settings(LimitAlgorithmName.GRADIENT, 2, 20, 2));
    for (int i = 0; i < 5; i++) {
      limit.update(busyAndWaiting(limit, BASE_LATENCY));
    }
    assertEquals(20, limit.limit());
    limit.restart();
    assertEquals(2, limit.limit());
    assertTrue(((AdaptiveLimit) limit).inSlowStart());
  }

  /** Past slow start: failing work at limit 4 hands the algorithm over there. */
  private LimitAlgorithm handedOverAt4(LimitAlgorithmName name) {
    LimitAlgorithm limit = LimitAlgorithms.create(settings(name, 1, 40, 2));
    limit.update(busyAndWaiting(limit, BASE_LATENCY));
    now += INTERVAL;
    limit.update(new LimitSample(now, 4, 1.0, 100, INTERVAL, 50, BASE_LATENCY, 25, 0));
    assertFalse(((AdaptiveLimit) limit).inSlowStart());
    return limit;
  }

  @Test
  void aimdAddsWhileWorkWaitsAndMultipliesDownOnRisingLatency() {
    LimitAlgorithm limit = handedOverAt4(LimitAlgorithmName.AIMD);
    int start = limit.limit();
    assertEquals(start + 1, limit.update(busyAndWaiting(limit, BASE_LATENCY)));
    assertEquals(start + 2, limit.update(busyAndWaiting(limit, BASE_LATENCY)));
    for (int i = 0; i < 20; i++) {
      limit.update(busyAndWaiting(limit, BASE_LATENCY));
    }
    assertEquals(start + 22, limit.limit());
    assertEquals((int) ((start + 22) * 0.9), limit.update(busyAndWaiting(limit, BASE_LATENCY * 2)));
  }

  @Test
  void neverGrowsWhileTheApplicationIsTheBottleneck() {
    for (LimitAlgorithmName name : new LimitAlgorithmName[] {LimitAlgorithmName.AIMD, LimitAlgorithmName.GRADIENT}) {
      LimitAlgorithm limit = handedOverAt4(name);
      int start = limit.limit();
      for (int i = 0; i < 50; i++) {
        limit.update(sample(limit.limit(), 0.4, 100, BASE_LATENCY, 0));
      }
      assertEquals(start, limit.limit(), name + " grew at 40 % utilisation");
    }
  }

  @Test
  void neverShrinksBelowTheShrinkUtilisation() {
    for (LimitAlgorithmName name : new LimitAlgorithmName[] {LimitAlgorithmName.AIMD, LimitAlgorithmName.GRADIENT}) {
      LimitAlgorithm limit = handedOverAt4(name);
      for (int i = 0; i < 5; i++) {
        limit.update(busyAndWaiting(limit, BASE_LATENCY));
      }
      int grown = limit.limit();
      limit.update(sample(grown, 0.6, 0, BASE_LATENCY * 4, 0));
      assertEquals(grown, limit.limit(), name + " shrank at 60 % utilisation");
    }
  }

  @Test
  void gradientShrinksInProportionToTheLatencyRise() {
    LimitAlgorithm limit = handedOverAt4(LimitAlgorithmName.GRADIENT);
    for (int i = 0; i < 25; i++) {
      limit.update(busyAndWaiting(limit, BASE_LATENCY));
    }
    int grown = limit.limit();
    assertTrue(grown > 20, "grew to " + grown);
    // 10x latency: gradient floor 0.5, smoothed 0.5 -> 75 % of the limit.
    assertEquals((int) (grown * 0.75), limit.update(busyAndWaiting(limit, BASE_LATENCY * 10)));
  }

  @Test
  void steadyModerateOverloadCannotMakeTheLimitCreepUp() {
    for (LimitAlgorithmName name : new LimitAlgorithmName[] {LimitAlgorithmName.AIMD, LimitAlgorithmName.GRADIENT}) {
      LimitAlgorithm limit = handedOverAt4(name);
      for (int i = 0; i < 4; i++) {
        limit.update(busyAndWaiting(limit, BASE_LATENCY));
      }
      int before = limit.limit();
      // Ten minutes of overload: work always waits, latency stays 1.6x the baseline.
      for (int i = 0; i < 2400; i++) {
        limit.update(busyAndWaiting(limit, (long) (BASE_LATENCY * 1.6)));
        assertTrue(limit.limit() <= before, name + " crept to " + limit.limit() + " at interval " + i);
      }
    }
  }

  @Test
  void anUncongestedIntervalResetsAStaleBaseline() {
    LimitAlgorithm limit = handedOverAt4(LimitAlgorithmName.AIMD);
    int start = limit.limit();
    // The database got slower for good: once an interval without waiters measures it, 60 ms is the new normal.
    for (int i = 0; i < 130; i++) {
      limit.update(sample(limit.limit(), 0.3, 0, BASE_LATENCY * 3, 0));
    }
    assertEquals(start + 1, limit.update(busyAndWaiting(limit, BASE_LATENCY * 3)));
  }

  @Test
  void shrinksWhileShrinkingBringsLatencyDownAndStopsWhereItIsFine() {
    for (LimitAlgorithmName name : new LimitAlgorithmName[] {LimitAlgorithmName.AIMD, LimitAlgorithmName.GRADIENT}) {
      LimitAlgorithm limit = handedOverAt4(name);
      for (int i = 0; i < 40; i++) {
        limit.update(busyAndWaiting(limit, BASE_LATENCY));
      }
      assertEquals(40, limit.limit(), name + " did not reach the ceiling");
      // The database serves 6 queries at full speed; beyond that latency grows with this pool's concurrency.
      for (int i = 0; i < 200; i++) {
        limit.update(busyAndWaiting(limit, BASE_LATENCY * Math.max(6, limit.limit()) / 6));
      }
      // Latency is within tolerance up to 6 x 1.5 = 9 permits; AIMD keeps probing one above.
      assertTrue(limit.limit() >= 6 && limit.limit() <= 10, name + " settled at " + limit.limit());
    }
  }

  @Test
  void aSlowdownThatShrinkingDoesNotCureHoldsTheLimit() {
    for (LimitAlgorithmName name : new LimitAlgorithmName[] {LimitAlgorithmName.AIMD, LimitAlgorithmName.GRADIENT}) {
      LimitAlgorithm limit = handedOverAt4(name);
      for (int i = 0; i < 40; i++) {
        limit.update(busyAndWaiting(limit, BASE_LATENCY));
      }
      int first = limit.update(busyAndWaiting(limit, BASE_LATENCY * 10));
      assertTrue(first < 40, name + " did not react to the latency step");
      for (int i = 0; i < 100; i++) {
        assertEquals(first, limit.update(busyAndWaiting(limit, BASE_LATENCY * 10)), name + " kept shrinking");
      }
      // The step ends: the limit grows back.
      for (int i = 0; i < 10; i++) {
        limit.update(busyAndWaiting(limit, BASE_LATENCY));
      }
      assertEquals(40, limit.limit(), name + " did not recover");
    }
  }

  @Test
  void theLimitStaysWithinItsBounds() {
    LimitAlgorithm limit = handedOverAt4(LimitAlgorithmName.GRADIENT);
    for (int i = 0; i < 100; i++) {
      limit.update(busyAndWaiting(limit, BASE_LATENCY * Math.max(1, limit.limit())));
    }
    assertEquals(1, limit.limit());
    for (int i = 0; i < 100; i++) {
      limit.update(busyAndWaiting(limit, BASE_LATENCY));
    }
    assertEquals(40, limit.limit());
  }

  @Test
  void waitTimeOutsAtBaselineLatencyAreDemandNotCongestion() {
    for (LimitAlgorithmName name : new LimitAlgorithmName[] {LimitAlgorithmName.GRADIENT, LimitAlgorithmName.AIMD}) {
      LimitAlgorithm limit = LimitAlgorithms.create(settings(name, 2, 30, 2));
      // Impatient callers: the queue is empty at every evaluation, but requests timed out during the interval.
      for (int i = 0; i < 10; i++) {
        limit.update(sample(limit.limit(), 1.0, 0, BASE_LATENCY, 40));
      }
      assertEquals(30, limit.limit(), name + " grows through time-outs at baseline latency");
    }
  }

  @Test
  void waitTimeOutsWithRisingLatencyStillShrink() {
    LimitAlgorithm limit = handedOverAt4(LimitAlgorithmName.GRADIENT);
    limit.update(busyAndWaiting(limit, BASE_LATENCY));
    limit.update(busyAndWaiting(limit, BASE_LATENCY));
    int before = limit.limit();
    assertTrue(limit.update(sample(before, 1.0, 0, BASE_LATENCY * 3, 40)) < before);
  }

  @Test
  void slowStartGrowsByOnePerHealthyCompletionOnceItHasAReferenceLatency() {
    LimitAlgorithm limit = LimitAlgorithms.create(settings(LimitAlgorithmName.GRADIENT, 2, 20, 2));
    for (int i = 0; i < 4; i++) {
      limit.completed(now, BASE_LATENCY, false, 50);
      assertEquals(2, limit.limit(), "the first two rounds at the initial limit only measure the reference");
    }
    limit.completed(now, BASE_LATENCY, false, 50);
    assertEquals(3, limit.limit());
    limit.completed(now, BASE_LATENCY * 3 / 2, false, 50);
    assertEquals(4, limit.limit(), "within the tolerance is healthy");
    limit.completed(now, BASE_LATENCY * 3 / 2 + 1, false, 50);
    limit.completed(now, BASE_LATENCY, true, 50);
    limit.completed(now, -1, false, 50);
    limit.completed(now, BASE_LATENCY, false, 0);
    assertEquals(4, limit.limit(), "slow, failed, unmeasured or unneeded completions do not grow the limit");
    for (int i = 0; i < 20; i++) {
      limit.completed(now, BASE_LATENCY, false, 50);
    }
    assertEquals(20, limit.limit());
    assertFalse(((AdaptiveLimit) limit).inSlowStart(), "the ceiling hands over to the algorithm");
  }

  @Test
  void slowStartsReferenceLatencySeedsTheBaselineSoAnOvershootShowsAsCongestion() {
    LimitAlgorithm limit = LimitAlgorithms.create(settings(LimitAlgorithmName.GRADIENT, 2, 30, 2));
    for (int i = 0; i < 4; i++) {
      limit.completed(now, BASE_LATENCY, false, 50);
    }
    for (int i = 0; i < 20; i++) {
      limit.completed(now, BASE_LATENCY, false, 50);
    }
    assertEquals(22, limit.limit());
    // The first interval already ran at the overshoot, three times slower than the reference.
    int after = limit.update(busyAndWaiting(limit, BASE_LATENCY * 3));
    assertFalse(((AdaptiveLimit) limit).inSlowStart());
    assertTrue(after < 22, "measured against the seeded baseline, the overshoot shrinks: " + after);
  }

  @Test
  void aShrinkThatCostsThroughputIsUndoneAndShrinkingHolds() {
    aShrinkThatCostsThroughputIsUndoneAndShrinkingHolds(LimitAlgorithmName.GRADIENT);
    aShrinkThatCostsThroughputIsUndoneAndShrinkingHolds(LimitAlgorithmName.AIMD);
  }

  private void aShrinkThatCostsThroughputIsUndoneAndShrinkingHolds(LimitAlgorithmName name) {
    LimitAlgorithm limit = handedOverAt4(name);
    for (int i = 0; i < 5; i++) {
      limit.update(busyAndWaiting(limit, BASE_LATENCY));
    }
    int before = limit.limit();
    now += INTERVAL;
    int shrunk = limit.update(new LimitSample(now, before, 1.0, 100, INTERVAL, 100, BASE_LATENCY * 2, 0, 0));
    assertTrue(shrunk < before);
    now += INTERVAL;
    assertEquals(before, limit.update(new LimitSample(now, shrunk, 1.0, 100, INTERVAL, 80, BASE_LATENCY * 2, 0, 0)),
        "a fifth fewer completions after the shrink: undone");
    now += INTERVAL;
    assertEquals(before, limit.update(new LimitSample(now, before, 1.0, 100, INTERVAL, 100, BASE_LATENCY * 2, 0, 0)),
        "and no further shrink while the same congestion lasts");
    now += INTERVAL;
    assertTrue(limit.update(new LimitSample(now, before, 1.0, 100, INTERVAL, 100, BASE_LATENCY * 4, 0, 0)) < before,
        "latency well beyond where shrinking stopped: the load changed, shrinking may help again");
  }

  @Test
  void aShrinkThatKeepsTheThroughputStands() {
    LimitAlgorithm limit = handedOverAt4(LimitAlgorithmName.AIMD);
    for (int i = 0; i < 10; i++) {
      limit.update(busyAndWaiting(limit, BASE_LATENCY));
    }
    int before = limit.limit();
    now += INTERVAL;
    int shrunk = limit.update(new LimitSample(now, before, 1.0, 100, INTERVAL, 100, BASE_LATENCY * 2, 0, 0));
    assertTrue(shrunk < before);
    now += INTERVAL;
    assertTrue(limit.update(new LimitSample(now, shrunk, 1.0, 100, INTERVAL, 96, BASE_LATENCY * 3 / 2 + 1, 0, 0))
        <= shrunk, "the same work done with fewer permits and lower latency: the shrink stands");
  }
}
