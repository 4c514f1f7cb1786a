package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SluiceSettingsTest {

  private static Config with(String overrides) {
    // The way ConfigFactory.load layers application settings over reference.conf.
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  private static SettingsException refused(String overrides) {
    return assertThrows(SettingsException.class, () -> SluiceSettings.from(with(overrides)));
  }

  @Test
  void referenceDefaultsAreValidAndEmbedded() {
    SluiceSettings settings = SluiceSettings.from(with(""));
    assertEquals(Mode.STANDALONE, settings.mode());
    assertTrue(settings.database().isH2());
    assertEquals(10, settings.dbPool().maxSize());
    assertEquals(10, settings.dbPool().limit());
    assertEquals(Duration.ofSeconds(30), settings.dbPool().idleTimeout());
    assertTrue(settings.budget().fits());
    assertEquals("pool db 10 + pool journal 4 = 14 <= sluice.database.max-connections 20", settings.budget().arithmetic());
  }

  @Test
  void jdbcDispatcherIsSizedToThePool() {
    Config config = with("sluice.pools.db.max-size = 7, sluice.pools.db.limit = 5");
    assertEquals(7, config.getInt("sluice.jdbc-dispatcher.thread-pool-executor.fixed-pool-size"));
  }

  @Test
  void negativeSizeNamesTheKey() {
    SettingsException e = refused("sluice.pools.db.max-size = -1");
    assertTrue(e.getMessage().contains("sluice.pools.db.max-size is -1 but must be at least 1"), e.getMessage());
  }

  @Test
  void limitAboveMaxSizeIsRefused() {
    SettingsException e = refused("sluice.pools.db.max-size = 5, sluice.pools.db.limit = 6");
    assertTrue(e.getMessage().contains("sluice.pools.db.limit is 6 but must not exceed sluice.pools.db.max-size 5"),
        e.getMessage());
  }

  @Test
  void zeroTimeoutIsRefused() {
    SettingsException e = refused("sluice.pools.db.idle-timeout = 0s");
    assertTrue(e.getMessage().contains("sluice.pools.db.idle-timeout is PT0S but must be a positive duration"),
        e.getMessage());
  }

  @Test
  void malformedDurationIsRefused() {
    SettingsException e = refused("sluice.pools.db.max-hold = soon");
    assertTrue(e.getMessage().contains("sluice.pools.db.max-hold is invalid"), e.getMessage());
  }

  @Test
  void unknownModeListsTheAllowedOnes() {
    SettingsException e = refused("sluice.mode = turbo");
    assertTrue(e.getMessage().contains("sluice.mode is 'turbo' but must be one of [standalone, serverless]"),
        e.getMessage());
  }

  @Test
  void serverlessModeIsAccepted() {
    assertEquals(Mode.SERVERLESS, SluiceSettings.from(with("sluice.mode = serverless")).mode());
  }

  @Test
  void connectionTimeoutBelowHikariMinimumIsRefused() {
    SettingsException e = refused("sluice.pools.db.connection-timeout = 100ms");
    assertTrue(e.getMessage().contains("sluice.pools.db.connection-timeout"), e.getMessage());
  }

  @Test
  void longLivedCapMustLeaveRoomForShortWork() {
    SettingsException e = refused("sluice.pools.db.limit = 2, sluice.pools.db.max-long-lived = 2");
    assertTrue(e.getMessage().contains("sluice.pools.db.max-long-lived is 2 but must be below sluice.pools.db.limit 2"),
        e.getMessage());
  }

  @Test
  void budgetExceededIsRefusedWithTheArithmetic() {
    SettingsException e = refused("sluice.database.max-connections = 8");
    assertTrue(e.getMessage().contains("sluice.database.max-connections is exceeded by the pools' worst case:"
        + " pool db 10 + pool journal 4 = 14 > sluice.database.max-connections 8"), e.getMessage());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    SettingsException e = refused("sluice.mode = x, sluice.http.port = 70000, sluice.pools.db.max-queue = 0");
    assertEquals(3, e.problems().size(), e.getMessage());
  }

  @Test
  void nonJdbcUrlIsRefused() {
    SettingsException e = refused("sluice.database.url = \"postgres://localhost/test\"");
    assertTrue(e.getMessage().contains("sluice.database.url must be a JDBC URL"), e.getMessage());
  }

  @Test
  void passwordNeverAppearsInText() {
    SluiceSettings settings = SluiceSettings.from(with("sluice.database.password = s3cr3t"));
    assertFalse(settings.toString().contains("s3cr3t"));
    assertFalse(settings.database().toString().contains("s3cr3t"));
  }

  @Test
  void limitControlDefaultsAreGradientWithSlowStart() {
    LimitSettings limit = SluiceSettings.from(with("")).dbLimit();
    assertEquals(LimitSettings.LimitAlgorithmName.GRADIENT, limit.algorithm());
    assertEquals(2, limit.initialLimit());
    assertEquals(10, limit.maxLimit());
    assertEquals(Duration.ofMillis(250), limit.evaluationInterval());
  }

  @Test
  void shrinkThresholdBelowGrowThresholdNamesBothKeys() {
    SettingsException e = refused("sluice.pools.db.limit-control { grow-utilisation = 0.7, shrink-utilisation = 0.6 }");
    assertTrue(e.getMessage().contains("sluice.pools.db.limit-control.shrink-utilisation is 0.6 but must be above"
        + " sluice.pools.db.limit-control.grow-utilisation 0.7"), e.getMessage());
  }

  @Test
  void initialLimitAboveTheCeilingNamesTheKeys() {
    SettingsException e = refused("sluice.pools.db.limit-control.initial-limit = 20");
    assertTrue(e.getMessage().contains("sluice.pools.db.limit-control.initial-limit is 20 but must lie between"
        + " sluice.pools.db.limit-control.min-limit 2 and sluice.pools.db.limit 10"), e.getMessage());
  }

  @Test
  void latencyToleranceOfOneIsRefusedWithTheReason() {
    SettingsException e = refused("sluice.pools.db.limit-control.latency-tolerance = 1.0");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("sluice.pools.db.limit-control.latency-tolerance is 1.0 but must be above 1.0:"
        + " it is the factor over the baseline latency at which latency counts as rising"), e.getMessage());
  }

  @Test
  void latencyToleranceJustAboveOneIsAccepted() {
    LimitSettings limit = SluiceSettings.from(with("sluice.pools.db.limit-control.latency-tolerance = 1.01")).dbLimit();
    assertEquals(1.01, limit.latencyTolerance());
  }

  @Test
  void outOfRangeThresholdsAreRefused() {
    SettingsException e = refused("sluice.pools.db.limit-control { algorithm = vegas, grow-utilisation = 1.5,"
        + " latency-tolerance = 0.5, aimd.backoff-ratio = 1.0, min-limit = 11 }");
    String message = e.getMessage();
    assertTrue(message.contains("sluice.pools.db.limit-control.algorithm is 'vegas' but must be one of"
        + " [fixed, aimd, gradient]"), message);
    assertTrue(message.contains("sluice.pools.db.limit-control.grow-utilisation is 1.5 but must be at most 1.0"),
        message);
    assertTrue(message.contains("sluice.pools.db.limit-control.latency-tolerance is 0.5 but must be above 1.0"),
        message);
    assertTrue(message.contains("sluice.pools.db.limit-control.aimd.backoff-ratio is 1.0 but must lie strictly"),
        message);
    assertTrue(message.contains("sluice.pools.db.limit-control.min-limit is 11 but must not exceed"
        + " sluice.pools.db.limit 10"), message);
  }

  @Test
  void aFailureRateThresholdOfZeroOrAboveOneIsRefused() {
    assertTrue(refused("sluice.pools.db.limit-control.failure-rate-threshold = 0").getMessage().contains(
        "sluice.pools.db.limit-control.failure-rate-threshold is 0.0 but must be above 0.0: a failure share of 0"
            + " would count as congestion"));
    assertTrue(refused("sluice.pools.db.limit-control.failure-rate-threshold = 1.5").getMessage().contains(
        "sluice.pools.db.limit-control.failure-rate-threshold is 1.5 but must be at most 1.0"));
    assertEquals(1.0, SluiceSettings.from(with("sluice.pools.db.limit-control.failure-rate-threshold = 1.0"))
        .dbLimit().failureRateThreshold());
  }
}
