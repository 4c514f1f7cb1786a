package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocols.permit.Throttle;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThrottleCapTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void capsAtTheGrantedMinusTheRefusedOneUntilRetryAfter() {
    ThrottleCap throttle = new ThrottleCap(1);
    assertEquals(Integer.MAX_VALUE, throttle.cap(0));
    assertEquals(10 * SECOND, throttle.lower(new Throttle(Duration.ofSeconds(10)), 8, 0));
    assertEquals(7, throttle.cap(0));
    assertEquals(7, throttle.cap(10 * SECOND - 1));
    assertEquals(Integer.MAX_VALUE, throttle.cap(10 * SECOND));
    assertEquals(Long.MAX_VALUE, throttle.endsAt(10 * SECOND));
  }

  @Test
  void anExpiredCapIsReplacedNotKept() {
    ThrottleCap throttle = new ThrottleCap(1);
    throttle.lower(new Throttle(Duration.ofSeconds(1)), 3, 0);
    throttle.lower(new Throttle(Duration.ofSeconds(1)), 9, 2 * SECOND);
    assertEquals(8, throttle.cap(2 * SECOND));
    assertEquals(2, throttle.state(2 * SECOND).throttles());
  }

  @Test
  void theFloorHolds() {
    ThrottleCap throttle = new ThrottleCap(2);
    throttle.lower(new Throttle(Duration.ofSeconds(1)), 0, 0);
    assertEquals(2, throttle.cap(0));
    assertThrows(IllegalArgumentException.class, () -> new ThrottleCap(0));
  }

  @Test
  void onlyAPositiveRetryAfterIsValid() {
    assertNull(ThrottleCap.problem(new Throttle(Duration.ofMillis(1))));
    assertNotNull(ThrottleCap.problem(new Throttle(Duration.ZERO)));
    assertNotNull(ThrottleCap.problem(new Throttle(Duration.ofSeconds(-1))));
    assertNotNull(ThrottleCap.problem(new Throttle(null)));
  }

  @Test
  void stateShowsTheCapOnlyWhileInForce() {
    ThrottleCap throttle = new ThrottleCap(1);
    throttle.lower(new Throttle(Duration.ofSeconds(3)), 5, 0);
    assertTrue(throttle.state(SECOND).active());
    assertEquals(2000, throttle.state(SECOND).remainingMillis());
    assertFalse(throttle.state(3 * SECOND).active());
    assertEquals(0, throttle.state(3 * SECOND).cap());
  }
}
