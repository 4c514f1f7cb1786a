package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The exact utilisation, latency, failure and time-out figures one evaluation interval turns into. */
class IntervalSamplerTest {
  private final IntervalSampler sampler = new IntervalSampler();

  @Test
  void utilisationIsTheTimeIntegralOfGrantedOverElapsedTimesLimit() {
    sampler.start(1_000);
    sampler.grantedChanging(1_100, 0); // 0 granted for 100 ns
    sampler.grantedChanging(1_300, 1); // 1 granted for 200 ns
    sampler.grantedChanging(1_400, 3); // 3 granted for 100 ns
    // 2 granted for the last 600 ns: (0 + 200 + 300 + 1200) / (1000 ns x limit 4)
    LimitSample sample = sampler.sampleAndRestart(2_000, 4, 2, 0, 0);
    assertEquals(1_700.0 / 4_000.0, sample.utilisation(), 1e-12);
  }

  @Test
  void permitsHeldThroughTheWholeIntervalAtTheLimitAreFullUtilisation() {
    sampler.start(5_000);
    LimitSample sample = sampler.sampleAndRestart(6_000, 3, 3, 0, 0);
    assertEquals(1.0, sample.utilisation(), 1e-12);
  }

  @Test
  void theSampleCarriesTheIntervalsEndLimitQueueAndOldestWait() {
    sampler.start(0);
    sampler.timedOut();
    sampler.timedOut();
    LimitSample sample = sampler.sampleAndRestart(250, 7, 0, 11, 42);
    assertEquals(250, sample.nowNanos());
    assertEquals(7, sample.limit());
    assertEquals(11, sample.waiting());
    assertEquals(42, sample.oldestWaitNanos());
    assertEquals(2, sample.timeouts());
  }

  @Test
  void meanLatencyIsTakenOnlyOverCompletionsThatMeasuredOne() {
    sampler.start(0);
    sampler.completed(30, false);
    sampler.completed(-1, true); // the connection could not even be opened: no latency
    sampler.completed(0, false); // measured, and measured as zero
    sampler.completed(90, true);
    LimitSample sample = sampler.sampleAndRestart(1_000, 4, 0, 0, 0);
    assertEquals(4, sample.completions());
    assertEquals((30 + 0 + 90) / 3, sample.meanBusyNanos());
    assertEquals(2, sample.failures());
  }

  @Test
  void completionsWithoutAnyMeasuredLatencyReportAMeanOfZero() {
    sampler.start(0);
    sampler.completed(-1, true);
    sampler.completed(-5, true);
    LimitSample sample = sampler.sampleAndRestart(1_000, 4, 0, 0, 0);
    assertEquals(2, sample.completions());
    assertEquals(0, sample.meanBusyNanos());
    assertEquals(1.0, sample.failureRate(), 1e-12);
  }

  @Test
  void anIntervalWithoutElapsedTimeHasNoUtilisationInsteadOfDividingByZero() {
    sampler.start(700);
    LimitSample sample = sampler.sampleAndRestart(700, 2, 2, 0, 0);
    assertEquals(0.0, sample.utilisation(), 1e-12);
  }

  @Test
  void onlyAChangeInGrantedPermitsMakesTheIntervalActive() {
    sampler.start(0);
    assertFalse(sampler.active());
    sampler.completed(10, false);
    sampler.timedOut();
    assertFalse(sampler.active(), "completions and time-outs alone grant or return nothing");
    sampler.grantedChanging(5, 0);
    assertTrue(sampler.active());
  }

  @Test
  void samplingStartsTheNextIntervalFromScratch() {
    sampler.start(0);
    sampler.grantedChanging(100, 0);
    sampler.completed(50, true);
    sampler.timedOut();
    sampler.sampleAndRestart(1_000, 2, 2, 0, 0);
    assertFalse(sampler.active(), "the next interval has seen no change yet");

    LimitSample next = sampler.sampleAndRestart(3_000, 2, 1, 0, 0);
    assertEquals(0.5, next.utilisation(), 1e-12, "1 of 2 permits over the 2000 ns since the last sample");
    assertEquals(0, next.completions());
    assertEquals(0, next.meanBusyNanos());
    assertEquals(0, next.failures());
    assertEquals(0, next.timeouts());
  }

  @Test
  void restartForgetsEverythingTheLastIntervalAccumulated() {
    sampler.start(0);
    sampler.grantedChanging(500, 4);
    sampler.completed(80, true);
    sampler.timedOut();
    sampler.start(10_000);
    assertFalse(sampler.active());
    LimitSample sample = sampler.sampleAndRestart(11_000, 2, 0, 0, 0);
    assertEquals(0.0, sample.utilisation(), 1e-12);
    assertEquals(0, sample.completions());
    assertEquals(0, sample.meanBusyNanos());
    assertEquals(0, sample.failures());
    assertEquals(0, sample.timeouts());
  }
}
