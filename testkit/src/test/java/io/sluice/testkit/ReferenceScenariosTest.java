package io.sluice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void latencyStep() {
    Scenario scenario = ReferenceScenarios.latencyStep();
    ScenarioReport sluice = run(scenario, ReferenceScenarios.sluice(30));
    run(scenario, ReferenceScenarios.barePool());
    assertEquals(0, sluice.errorCount());
  }

  @Test
  void slowExternalCall() {
    ScenarioReport inside = run(ReferenceScenarios.slowCallInsideLease(), ReferenceScenarios.sluice(10));
    ScenarioReport split = run(ReferenceScenarios.slowCallReadCallWrite(), ReferenceScenarios.sluice(10));
    assertEquals(0, split.errorCount());
  }
}
