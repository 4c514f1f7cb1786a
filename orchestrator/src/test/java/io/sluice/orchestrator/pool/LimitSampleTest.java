package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When an interval's demand exceeded its limit, and its failure rate. */
class LimitSampleTest {

  private static LimitSample sample(int waiting, long completions, long failures, long timeouts) {
    return new LimitSample(0, 4, 1.0, waiting, 0, completions, 10, failures, timeouts);
  }

  @Test
  void demandExceedsTheLimitWhenWorkWaitsOrGaveUpWaiting() {
    assertFalse(sample(0, 5, 0, 0).demandExceedsLimit());
    assertTrue(sample(1, 5, 0, 0).demandExceedsLimit());
    assertTrue(sample(0, 5, 0, 1).demandExceedsLimit());
  }

  @Test
  void failureRateIsFailuresOverCompletionsAndZeroWithoutCompletions() {
    assertEquals(0.25, sample(0, 8, 2, 0).failureRate(), 1e-12);
    assertEquals(0.0, sample(0, 0, 0, 0).failureRate(), 1e-12);
  }
}
