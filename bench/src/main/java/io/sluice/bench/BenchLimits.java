package io.sluice.bench;

import com.typesafe.config.ConfigFactory;
import io.sluice.config.LimitSettings;
import io.sluice.config.SluiceSettings;
import java.util.Locale;
import java.util.Map;

/**
 * The limit settings a runner gives Sluice: by default the ones Sluice ships ({@code sluice.pools.db.limit-control}
 * of {@code reference.conf}, read and validated by {@link SluiceSettings#from}), never hand-built, so a change of the
 * shipped defaults is measured without touching the runners. {@code -Dbench.limit=fixed} selects
 * {@link LimitSettings#fixed} instead (the limit is the pool size from the first request, no slow start).
 */
final class BenchLimits {
  /** {@code default} (the shipped settings) or {@code fixed}. */
  static final String CHOICE = System.getProperty("bench.limit", "default").trim().toLowerCase(Locale.ROOT);

  private BenchLimits() {}

  /**
   * Sluice's shipped settings for a pool of {@code poolSize}: {@code max-size} and {@code limit} set to it (and the
   * connection budget raised to it, so the start-up check passes), everything else as shipped. Like the service,
   * {@code -Dsluice.…} system properties and the {@code SLUICE_…} environment variables still override.
   */
  static SluiceSettings shippedSettings(int poolSize) {
    return SluiceSettings.from(ConfigFactory.load(ConfigFactory.parseMap(Map.of(
        "sluice.pools.db.max-size", poolSize,
        "sluice.pools.db.limit", poolSize,
        "sluice.database.max-connections", poolSize))));
  }

  /** The shipped limit control for a pool of {@code poolSize}. */
  static LimitSettings shipped(int poolSize) {
    return shippedSettings(poolSize).dbLimit();
  }

  /** What {@code bench.limit} selects for a pool of {@code poolSize}. */
  static LimitSettings selected(int poolSize) {
    return switch (CHOICE) {
      case "default" -> shipped(poolSize);
      case "fixed" -> LimitSettings.fixed(poolSize);
      default -> throw new IllegalArgumentException("bench.limit must be default or fixed, was " + CHOICE);
    };
  }

  /** One line naming the settings, for the runners' reports. */
  static String describe(LimitSettings limit) {
    if (limit.algorithm() == LimitSettings.LimitAlgorithmName.FIXED) {
      return String.format(Locale.ROOT, "fixed limit %d (no slow start)", limit.maxLimit());
    }
    return String.format(Locale.ROOT, "%s, limit %d..%d, slow start from %d, evaluation every %d ms",
        limit.algorithm().name().toLowerCase(Locale.ROOT), limit.minLimit(), limit.maxLimit(), limit.initialLimit(),
        limit.evaluationInterval().toMillis());
  }

  /** {@code bench.limit=<choice>: <settings>} for {@code poolSize}. */
  static String describeSelected(int poolSize) {
    return "bench.limit=" + CHOICE + " (" + (CHOICE.equals("fixed") ? "LimitSettings.fixed" : "shipped reference.conf")
        + "): " + describe(selected(poolSize));
  }
}
