package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The journal pool in the connection budget, and the cluster settings that become Akka's. */
class JournalAndClusterSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  private static SettingsException refused(String overrides) {
    return assertThrows(SettingsException.class, () -> SluiceSettings.from(with(overrides)));
  }

  @Test
  void journalPoolDefaults() {
    JournalPoolSettings journal = SluiceSettings.from(with("")).journalPool();
    assertEquals(new JournalPoolSettings("journal", "sluice-journal", 4, Duration.ofSeconds(30),
        Duration.ofSeconds(5)), journal);
  }

  @Test
  void theBudgetCountsTheJournalPool() {
    SluiceSettings settings = SluiceSettings.from(with(
        "sluice.pools.db { max-size = 6, limit = 6 }, sluice.pools.journal.max-size = 3,"
            + " sluice.database.max-connections = 9"));
    assertEquals(9, settings.budget().worstCase());
    assertTrue(settings.budget().fits());
    assertEquals("pool db 6 + pool journal 3 = 9 <= sluice.database.max-connections 9",
        settings.budget().arithmetic());
  }

  @Test
  void aJournalPoolThatBreaksTheBudgetIsRefusedNamingBothPools() {
    SettingsException e = refused("sluice.pools.db { max-size = 6, limit = 6 }, sluice.pools.journal.max-size = 4,"
        + " sluice.database.max-connections = 9");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("sluice.database.max-connections is exceeded by the pools' worst case:"
        + " pool db 6 + pool journal 4 = 10 > sluice.database.max-connections 9; lower the pool sizes"
        + " [pool db, pool journal] or raise the budget"), e.getMessage());
  }

  @Test
  void invalidJournalPoolValuesNameTheirKeys() {
    SettingsException e = refused("sluice.pools.journal { max-size = 0, idle-timeout = 0s, connection-timeout = 100ms,"
        + " application-name = \"\" }");
    String message = e.getMessage();
    assertTrue(message.contains("sluice.pools.journal.max-size is 0 but must be at least 1"), message);
    assertTrue(message.contains("sluice.pools.journal.idle-timeout is PT0S but must be a positive duration"), message);
    assertTrue(message.contains("sluice.pools.journal.connection-timeout is PT0.1S but HikariCP needs at least 250ms"),
        message);
    assertTrue(message.contains("sluice.pools.journal.application-name must not be empty"), message);
  }

  @Test
  void aJournalIdleTimeoutBelowHikarisMinimumIsAccepted() {
    assertEquals(Duration.ofSeconds(1),
        SluiceSettings.from(with("sluice.pools.journal.idle-timeout = 1s")).journalPool().idleTimeout());
  }

  @Test
  void clusterSettingsBecomeAkkasKeys() {
    ClusterSettings cluster = SluiceSettings.from(with(
        "sluice.cluster { host = \"10.0.0.7\", port = 0, passivation-idle-timeout = 90s }")).cluster();
    Config akka = cluster.akkaConfig();
    assertEquals("10.0.0.7", akka.getString("akka.remote.artery.canonical.hostname"));
    assertEquals(0, akka.getInt("akka.remote.artery.canonical.port"));
    assertEquals(Duration.ofSeconds(90),
        akka.getDuration("akka.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout"));
  }

  @Test
  void clusterDefaultsListOnLoopback() {
    ClusterSettings cluster = SluiceSettings.from(with("")).cluster();
    assertEquals("127.0.0.1", cluster.host());
    assertEquals(25520, cluster.port());
    assertEquals(Duration.ofMinutes(2), cluster.passivationIdleTimeout());
  }

  @Test
  void anOutOfRangeClusterPortNamesTheKey() {
    SettingsException e = refused("sluice.cluster.port = 70000");
    assertTrue(e.getMessage().contains("sluice.cluster.port is 70000 but must be at most 65535"), e.getMessage());
    assertTrue(refused("sluice.cluster.port = -1").getMessage()
        .contains("sluice.cluster.port is -1 but must be at least 0"));
  }
}
