package io.sluice.orchestrator.campaign;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated lead, ready to store.
 *
 * @param phone E.164 ({@code +17752345678})
 * @param zones the zones the lead may be in, at least one, distinct, sorted by id: the explicit zone alone, or every
 *     zone the number's prefix maps to (a lead is callable only while its windows are open in all of them)
 * @param metadata free key/value pairs (extra CSV columns, or the JSON request's metadata object)
 */
public record Lead(String name, String phone, List<ZoneId> zones, Map<String, String> metadata) {
  public Lead {
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("a lead needs at least one zone");
    }
    zones = List.copyOf(zones);
    // Keeps the column order of an import.
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }
}
