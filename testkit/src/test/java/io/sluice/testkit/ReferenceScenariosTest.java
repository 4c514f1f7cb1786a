package io.sluice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.LimitSettings.LimitAlgorithmName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed incidents, simulated: Sluice's outcome is asserted, the bare pool's is shown for contrast. */
class ReferenceScenariosTest {

  private static ScenarioReport run(Scenario scenario, PermitGate.Factory gate) {
    long start = System.nanoTime();
    ScenarioReport report = scenario.run(gate);
    System.out.print(report.describe());
    System.out.printf("  (ran in %d ms of real time)%n", (System.nanoTime() - start) / 1_000_000);
    return report;
  }

  @Test
  void coldStartHerd() {
    Scenario scenario = ReferenceScenarios.coldStartHerd();
    ScenarioReport sluice = run(scenario, ReferenceScenarios.sluice(10));
    ScenarioReport bare = run(scenario, ReferenceScenarios.barePool());
    assertEquals(1_000, sluice.completed());
    assertEquals(0, sluice.errorCount());
    assertTrue(sluice.maxConnections() <= 10);
    assertEquals(1, sluice.maxOpeningAtOnce());
    assertTrue(bare.errorCount() > 0, "the seed incident reproduces on a bare pool");
  }

  @Test
  void hundredHandlersOnThirtyConnections() {
    Scenario scenario = ReferenceScenarios.hundredHandlersOnThirtyConnections();
    ScenarioReport sluice = run(scenario, ReferenceScenarios.sluice(30));
    run(scenario, ReferenceScenarios.barePool());
    assertEquals(0, sluice.errorCount());
    assertTrue(sluice.goodputRatio() >= 0.95, "goodput ratio " + sluice.goodputRatio());
  }

  @Test
  void impatientCallersDoNotPinTheAdaptiveLimitAtItsFloor() {
    Scenario scenario = ReferenceScenarios.impatientCallers();
    ScenarioReport fixed = run(scenario, ReferenceScenarios.sluice("sluice fixed", LimitAlgorithmName.FIXED, 30));
    for (LimitAlgorithmName algorithm : List.of(LimitAlgorithmName.GRADIENT, LimitAlgorithmName.AIMD)) {
      ScenarioReport adaptive = run(scenario, ReferenceScenarios.sluice("sluice " + algorithm, algorithm, 30));
      assertEquals(30, adaptive.limitAt(1_000), algorithm + " reaches the pool's size within a second: "
          + adaptive.limitTrace());
      assertEquals(30, adaptive.limitAt(30_000), algorithm + " stays there: " + adaptive.limitTrace());
      assertTrue(adaptive.goodput() >= 0.95 * fixed.goodput(), algorithm + " goodput " + adaptive.goodput()
          + " against a fixed limit's " + fixed.goodput());
      assertTrue(adaptive.goodputRatio() >= 0.9, algorithm + " goodput ratio " + adaptive.goodputRatio());
      long timedOut = adaptive.errors().getOrDefault("TIMED_OUT", 0L);
      assertTrue(timedOut <= 2 * fixed.errors().getOrDefault("TIMED_OUT", 0L) + 100, algorithm + " timed out "
          + timedOut + " requests, a fixed limit " + fixed.errors());
    }
  }

  @Test
  void aContendedDatabaseGetsFewerPermitsAtTheSameGoodput() {
    Scenario scenario = ReferenceScenarios.contendedDatabase();
    ScenarioReport sluice = run(scenario, ReferenceScenarios.sluice(30));
    ScenarioReport fixed = run(scenario, ReferenceScenarios.sluice("sluice fixed", LimitAlgorithmName.FIXED, 30));
    assertEquals(0, sluice.errorCount());
    assertTrue(sluice.limitAt(60_000) <= 20, "permits beyond the database's 10 only add latency: "
        + sluice.limitTrace());
    assertTrue(sluice.goodput() >= 0.95 * fixed.goodput(), "shrinking kept the goodput: " + sluice.goodput()
        + " against a fixed limit's " + fixed.goodput());
    assertTrue(sluice.holdP99Millis() < 0.75 * fixed.holdP99Millis(), "and bought latency: hold p99 "
        + sluice.holdP99Millis() + " ms against " + fixed.holdP99Millis() + " ms");
  }

  @Test
  void latencyStep() {
    Scenario scenario = ReferenceScenarios.latencyStep();
    ScenarioReport sluice = run(scenario, ReferenceScenarios.sluice(30));
    ScenarioReport fixed = run(scenario, ReferenceScenarios.sluice("sluice fixed", LimitAlgorithmName.FIXED, 30));
    run(scenario, ReferenceScenarios.barePool());
    assertEquals(0, sluice.errorCount());
    long stepStart = ReferenceScenarios.LATENCY_STEP_START.toMillis();
    long stepEnd = stepStart + ReferenceScenarios.LATENCY_STEP_LENGTH.toMillis();
    int before = sluice.limitAt(stepStart - 1);
    // The database serves 30 at once whatever its latency: a shrink only costs throughput, so it is undone.
    assertEquals(before, sluice.limitAt(stepEnd - 1), "a slowdown that fewer permits cannot cure keeps the limit: "
        + sluice.limitTrace());
    assertTrue(sluice.goodput() >= 0.99 * fixed.goodput(), "goodput " + sluice.goodput() + " against a fixed"
        + " limit's " + fixed.goodput());
    assertTrue(sluice.lastLimitChangeBetween(stepStart, stepEnd) - stepStart <= 2_000,
        "settled within 2 s of the step: " + sluice.limitTrace());
    assertEquals(before, sluice.limitAt(80_000), "back to the limit before the step");
    assertTrue(sluice.lastLimitChangeBetween(stepEnd, 80_000) - stepEnd <= 2_000,
        "settled within 2 s of the step's end: " + sluice.limitTrace());
  }

  @Test
  void slowExternalCall() {
    ScenarioReport inside = run(ReferenceScenarios.slowCallInsideLease(), ReferenceScenarios.sluice(10));
    ScenarioReport split = run(ReferenceScenarios.slowCallReadCallWrite(), ReferenceScenarios.sluice(10));
    assertEquals(0, split.errorCount());
    assertTrue(split.goodputRatio() >= 0.95, "read -> call -> write keeps up: " + split.goodputRatio());
    assertTrue(split.holdP99Millis() < 100, "permits are held for the queries only: " + split.holdP99Millis());
    assertTrue(inside.errorCount() > 0, "holding the connection across the call starves the other handlers");
    assertTrue(split.goodput() >= 5 * inside.goodput());
  }

  @Test
  void aScenarioGivesTheSameResultEveryTime() {
    Scenario scenario = ReferenceScenarios.latencyStep();
    assertEquals(scenario.run(ReferenceScenarios.sluice(30)), scenario.run(ReferenceScenarios.sluice(30)));
  }

  @Test
  void injectedFailuresAreCountedNotLost() {
    Scenario scenario = new Scenario("failure injection", () -> SimulatedDatabase.builder().failureRate(0.1).build(),
        10, Workload.closedLoop(20, Task.query(), java.time.Duration.ZERO, ReferenceScenarios.MAX_WAIT),
        java.time.Duration.ofSeconds(10), 0);
    ScenarioReport report = run(scenario, ReferenceScenarios.sluice(10));
    long failed = report.errors().getOrDefault("QUERY_FAILED", 0L);
    assertTrue(failed > 0);
    long ended = report.completed() + report.errorCount();
    assertTrue(ended <= report.started() && report.started() <= ended + 20,
        "every task ends once; at most one per client is still running at the end");
  }
}
