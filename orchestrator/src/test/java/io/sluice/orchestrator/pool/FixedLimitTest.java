package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A fixed limit is at least one, needs no evaluation and never moves. */
class FixedLimitTest {

  @Test
  void aLimitBelowOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FixedLimit(0));
    assertEquals("limit must be at least 1, was 0", e.getMessage());
  }

  @Test
  void aFixedLimitNeedsNoEvaluationAndAnEvaluationLeavesItWhereItIs() {
    FixedLimit limit = new FixedLimit(1);
    assertFalse(limit.adaptive());
    assertEquals(1, limit.update(new LimitSample(0, 1, 1.0, 100, 0, 10, 1_000, 10, 10)));
  }
}
