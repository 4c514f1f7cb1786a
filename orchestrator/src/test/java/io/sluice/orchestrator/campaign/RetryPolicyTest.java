package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.orchestrator.campaign.RetryPolicy.Final;
import io.sluice.orchestrator.campaign.RetryPolicy.Retry;
import io.sluice.orchestrator.campaign.RetryPolicy.RetryAt;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2026-03-02T15:00:00Z");

  @Test
  void retryableOutcomesRetryUntilTheirMaxAttempts() {
    RetryPolicy policy = RetryPolicy.defaults();
    assertEquals(new RetryAt(NOW.plus(Duration.ofHours(2))), policy.decide(CallOutcome.NO_ANSWER, 1, NOW));
    assertEquals(new RetryAt(NOW.plus(Duration.ofHours(2))), policy.decide(CallOutcome.NO_ANSWER, 2, NOW));
    assertEquals(new Final(CallOutcome.NO_ANSWER), policy.decide(CallOutcome.NO_ANSWER, 3, NOW));
    assertEquals(new RetryAt(NOW.plus(Duration.ofMinutes(15))), policy.decide(CallOutcome.BUSY, 1, NOW));
    assertEquals(new RetryAt(NOW.plus(Duration.ofHours(4))), policy.decide(CallOutcome.VOICEMAIL, 1, NOW));
    assertEquals(new Final(CallOutcome.VOICEMAIL), policy.decide(CallOutcome.VOICEMAIL, 2, NOW));
    assertEquals(new RetryAt(NOW.plus(Duration.ofMinutes(10))), policy.decide(CallOutcome.FAILED, 2, NOW));
    // Attempts count every call, so a lead that was busy twice gets one more try after not answering.
    assertEquals(new Final(CallOutcome.FAILED), policy.decide(CallOutcome.FAILED, 3, NOW));
  }

  @Test
  void finalOutcomesEndTheLeadAtOnce() {
    RetryPolicy policy = RetryPolicy.defaults();
    for (CallOutcome outcome : new CallOutcome[] {CallOutcome.ANSWERED, CallOutcome.DO_NOT_CALL,
        CallOutcome.INVALID_NUMBER}) {
      assertEquals(new Final(outcome), policy.decide(outcome, 1, NOW));
    }
  }

  @Test
  void overridesReplaceOnlyTheirOutcome() {
    RetryPolicy policy = RetryPolicy.defaults().with(Map.of(CallOutcome.BUSY, new Retry(1, Duration.ofMinutes(1))));
    assertEquals(new Final(CallOutcome.BUSY), policy.decide(CallOutcome.BUSY, 1, NOW));
    assertEquals(new RetryAt(NOW.plus(Duration.ofHours(2))), policy.decide(CallOutcome.NO_ANSWER, 1, NOW));
  }

  @Test
  void rulesExistExactlyForTheRetryableOutcomes() {
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.defaults()
        .with(Map.of(CallOutcome.ANSWERED, new Retry(2, Duration.ofHours(1)))));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> new Retry(0, Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.defaults().decide(CallOutcome.BUSY, 0, NOW));
  }
}
