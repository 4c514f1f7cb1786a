package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScheduleSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static ScheduleSettings read(Config config) {
    return ScheduleSettings.from(config, SluiceSettings.from(config).dbPool());
  }

  @Test
  void theDefaultsFitAndSayWhy() {
    Config config = with("");
    ScheduleSettings settings = read(config);
    assertEquals("runs 4 × handlers 1 × permits 1 = 4 <= db limit 10",
        settings.arithmetic(SluiceSettings.from(config).dbPool()));
    assertEquals(Duration.ofMinutes(1), settings.catchUpGrace());
    assertEquals(65536, settings.maxPayloadBytes());
  }

  /** Incident 6: 2 ticks × 10 tokens × 5 messages = 100 handlers on a pool of 30. */
  @Test
  void theIncidentsOneHundredHandlersOnThirtyPermitsAreRefusedWithTheArithmetic() {
    Config config = with("sluice.database.max-connections = 40\nsluice.pools.db { max-size = 30, limit = 30 }\n"
        + "sluice.schedules { max-concurrent-runs = 2, handlers-per-run = 10, permits-per-handler = 5 }");
    SettingsException refused = assertThrows(SettingsException.class, () -> read(config));
    assertTrue(refused.getMessage().contains("runs 2 × handlers 10 × permits 5 = 100 > db limit 30"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("sluice.schedules.max-concurrent-runs"), refused.getMessage());
  }

  @Test
  void theBoundaryFits() {
    Config config = with("sluice.database.max-connections = 40\nsluice.pools.db { max-size = 30, limit = 30 }\n"
        + "sluice.schedules { max-concurrent-runs = 3, handlers-per-run = 5, permits-per-handler = 2 }");
    assertEquals(30, read(config).worstCasePermits());
  }

  @Test
  void invalidValuesAreNamed() {
    SettingsException refused = assertThrows(SettingsException.class, () -> read(with(
        "sluice.schedules { max-payload-bytes = 2000000, min-interval = 0s, record-batch-size = 0,"
            + " catch-up-grace = -1s, max-concurrent-runs = 0 }")));
    for (String key : new String[] {"max-payload-bytes", "min-interval", "record-batch-size", "catch-up-grace",
        "max-concurrent-runs"}) {
      assertTrue(refused.getMessage().contains("sluice.schedules." + key), refused.getMessage());
    }
  }
}
