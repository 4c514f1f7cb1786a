package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterBudgetSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static ClusterBudgetSettings read(Config config) {
    SluiceSettings sluice = SluiceSettings.from(config);
    return ClusterBudgetSettings.from(config, sluice.dbPool(), sluice.cluster());
  }

  @Test
  void theDefaultsLeaveAOneNodeDeploymentAlone() {
    ClusterBudgetSettings settings = read(with(""));
    assertFalse(settings.enabled());
    assertEquals(2, settings.minShare());
    assertEquals(2, settings.headroom());
    assertTrue(settings.joinReserve());
    assertEquals(Duration.ofMillis(500), settings.reportInterval());
    assertEquals(Duration.ofSeconds(3), settings.coordinatorTimeout());
    assertEquals(Duration.ofSeconds(3), settings.removalMargin());
    assertEquals(Duration.ofMillis(50), settings.shrinkCheckInterval());
  }

  @Test
  void autoSharesTheBudgetExactlyWhenTheNodeJoinsOthers() {
    assertFalse(read(with("")).enabled());
    assertTrue(read(with("sluice.cluster.seed-nodes = [\"127.0.0.1:25520\"]")).enabled());
    assertFalse(read(with("sluice.cluster { seed-nodes = [\"127.0.0.1:25520\"], budget.enabled = off }")).enabled());
    assertTrue(read(with("sluice.cluster.budget.enabled = on")).enabled());
    SettingsException refused = assertThrows(SettingsException.class,
        () -> read(with("sluice.cluster.budget.enabled = sometimes")));
    assertTrue(refused.getMessage().contains(
        "sluice.cluster.budget.enabled is 'sometimes' but must be auto, on or off"), refused.getMessage());
  }

  @Test
  void aMinimumShareAboveTheDbPoolIsRefusedNamingTheKey() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> read(with("sluice.cluster.budget { enabled = true, min-share = 11 }")));
    assertTrue(refused.getMessage().contains("sluice.cluster.budget.min-share is 11 but must not exceed"
        + " sluice.pools.db.max-size 10"), refused.getMessage());
  }

  @Test
  void aOnePermitPoolIsFineWhileTheBudgetIsNotShared() {
    assertEquals(2, read(with("sluice.database.max-connections = 5\nsluice.pools.db { max-size = 1, limit = 1,"
        + " max-long-lived = 0, limit-control { min-limit = 1, initial-limit = 1 } }")).minShare());
  }

  @Test
  void aCoordinatorTimeoutShorterThanTwoReportsIsRefused() {
    SettingsException refused = assertThrows(SettingsException.class, () -> read(with(
        "sluice.cluster.budget { report-interval = 1s, coordinator-timeout = 1500ms }")));
    assertTrue(refused.getMessage().contains("sluice.cluster.budget.coordinator-timeout"), refused.getMessage());
  }

  @Test
  void outOfRangeValuesAreRefusedNamingEachKey() {
    SettingsException refused = assertThrows(SettingsException.class, () -> read(with(
        "sluice.cluster.budget { min-share = 0, headroom = -1, report-interval = 0s, removal-margin = -1s }")));
    for (String key : new String[] {"min-share", "headroom", "report-interval", "removal-margin"}) {
      assertTrue(refused.getMessage().contains("sluice.cluster.budget." + key), key + ": " + refused.getMessage());
    }
  }
}
