package io.sluice.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.LimitSettings.LimitAlgorithmName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Every reference scenario through Sluice's algorithms, Netflix concurrency-limits (Gradient2, Vegas) and a bare
 * fixed pool, printed as the markdown table of docs/BENCHMARKS.md. Regenerate it with
 * {@code mvn -pl testkit -am test -Dtest=AnchorComparisonTest -Dsurefire.failIfNoSpecifiedTests=false} and read
 * {@code testkit/target/surefire-reports/io.sluice.testkit.AnchorComparisonTest-output.txt}.
 */
class AnchorComparisonTest {

  private static List<PermitGate.Factory> gates(int poolSize) {
    return List.of(
        ReferenceScenarios.sluice(poolSize),
        ReferenceScenarios.sluice("sluice aimd", LimitAlgorithmName.AIMD, poolSize),
        ReferenceScenarios.sluice("sluice fixed", LimitAlgorithmName.FIXED, poolSize),
        NetflixLimiterGate.gradient2(),
        NetflixLimiterGate.vegas(),
        ReferenceScenarios.barePool());
  }

  @Test
  void sideBySideTable() {
    List<String> rows = new ArrayList<>();
    rows.add("| scenario | gate | completed | errors | goodput/s | ÷ ideal | wait p50 ms | wait p99 ms"
        + " | max conns | limit trace (first changes) |");
    rows.add("|---|---|---|---|---|---|---|---|---|---|");
    for (Scenario scenario : ReferenceScenarios.all()) {
      for (PermitGate.Factory gate : gates(scenario.poolSize())) {
        ScenarioReport report = scenario.run(gate);
        if (gate.name().startsWith("sluice")) {
          // Netflix's Vegas draws its probe jitter from ThreadLocalRandom; Sluice's runs must repeat exactly.
          assertTrue(report.equals(scenario.run(gate)), gate.name() + " gave two results for " + scenario.name());
        }
        rows.add(String.format(Locale.ROOT, "| %s | %s | %d | %d %s | %.1f | %s | %.1f | %.1f | %d | %s |",
            scenario.name(), gate.name(), report.completed(), report.errorCount(),
            report.errors().isEmpty() ? "" : report.errors().keySet(), report.goodput(),
            report.idealGoodput() > 0 ? String.format(Locale.ROOT, "%.3f", report.goodputRatio()) : "–",
            report.waitP50Millis(), report.waitP99Millis(), report.maxConnections(), trace(report)));
      }
    }
    System.out.println(String.join(System.lineSeparator(), rows));
  }

  private static String trace(ScenarioReport report) {
    StringBuilder text = new StringBuilder();
    int shown = 0;
    for (ScenarioReport.LimitPoint point : report.limitTrace()) {
      if (shown++ == 8) {
        text.append(" …");
        break;
      }
      text.append(shown > 1 ? " " : "").append(point.atMillis()).append("ms:").append(point.limit());
    }
    return text.toString();
  }
}
