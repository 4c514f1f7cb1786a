package io.sluice.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every physical connection pool the process can open, summed against {@code sluice.database.max-connections}. A
 * configuration whose worst case exceeds the budget is refused at start-up.
 */
public record ConnectionBudget(int maxConnections, Map<String, Integer> pools) {

  public ConnectionBudget {
    pools = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
  }

  public int worstCase() {
    return pools.values().stream().mapToInt(Integer::intValue).sum();
  }

  public boolean fits() {
    return worstCase() <= maxConnections;
  }

  /** For example {@code pool db 10 + journal 4 = 14 <= sluice.database.max-connections 20}. */
  public String arithmetic() {
    String terms = pools.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(" + "));
    return terms + " = " + worstCase() + (fits() ? " <= " : " > ") + "sluice.database.max-connections "
        + maxConnections;
  }

  void check(SettingsReader reader) {
    if (!fits()) {
      reader.fail("sluice.database.max-connections",
          "is exceeded by the pools' worst case: " + arithmetic()
              + "; lower the pool sizes " + List.copyOf(pools.keySet()) + " or raise the budget",
          null);
    }
  }
}
