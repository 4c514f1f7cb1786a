package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackgroundSettingsTest {
  private static final String TOKEN = "0123456789abcdef-tick";

  private static Config with(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  private static SettingsException refused(String overrides) {
    return assertThrows(SettingsException.class, () -> BackgroundSettings.from(with(overrides)));
  }

  @Test
  void defaultsAreStandaloneWithEveryServiceOnAndTimersArmed() {
    BackgroundSettings settings = BackgroundSettings.from(with(""));
    assertEquals(Mode.STANDALONE, settings.mode());
    assertEquals(Optional.empty(), settings.exitOnIdle());
    for (String service : new String[] {"schedules", "campaign-scheduler", "webhook-retry", "email-retry"}) {
      assertTrue(settings.enabled(service), service);
      assertTrue(settings.armsTimers(service), service);
    }
  }

  @Test
  void serverlessArmsNoTimers() {
    BackgroundSettings settings = BackgroundSettings.from(with("sluice.mode = serverless\n"
        + "sluice.serverless.tick-token = \"" + TOKEN + "\""));
    assertEquals(Mode.SERVERLESS, settings.mode());
    assertTrue(settings.enabled("webhook-retry"));
    assertFalse(settings.armsTimers("webhook-retry"));
    assertFalse(settings.armsTimers("campaign-scheduler"));
  }

  @Test
  void serverlessAliasMeansServerless() {
    Config config = with("sluice.serverless.enabled = true\nsluice.serverless.tick-token = \"" + TOKEN + "\"");
    assertEquals(Mode.SERVERLESS, BackgroundSettings.from(config).mode());
    assertEquals(Mode.SERVERLESS, SluiceSettings.from(config).mode());
  }

  @Test
  void serverlessWithoutTokenNamesTheKey() {
    SettingsException e = refused("sluice.mode = serverless");
    assertTrue(e.getMessage().contains("sluice.serverless.tick-token is missing"), e.getMessage());
  }

  @Test
  void shortTokenIsRefusedWithoutShowingIt() {
    SettingsException e = refused("sluice.mode = serverless\nsluice.serverless.tick-token = \"short-secret\"");
    assertTrue(e.getMessage().contains("sluice.serverless.tick-token has 12 characters but must have at least 16"),
        e.getMessage());
    assertFalse(e.getMessage().contains("short-secret"), e.getMessage());
  }

  @Test
  void exitOnIdleIsADurationOrOff() {
    assertEquals(Optional.of(Duration.ofMinutes(5)),
        BackgroundSettings.from(with("sluice.serverless.exit-on-idle = 5m")).exitOnIdle());
    assertEquals(Optional.empty(), BackgroundSettings.from(with("sluice.serverless.exit-on-idle = off")).exitOnIdle());
    SettingsException e = refused("sluice.serverless.exit-on-idle = soon");
    assertTrue(e.getMessage().contains("sluice.serverless.exit-on-idle is invalid"), e.getMessage());
    SettingsException zero = refused("sluice.serverless.exit-on-idle = 0s");
    assertTrue(zero.getMessage().contains("sluice.serverless.exit-on-idle is PT0S but must be a positive duration"),
        zero.getMessage());
  }

  @Test
  void aSwitchedOffServiceArmsNoTimerInStandalone() {
    BackgroundSettings settings = BackgroundSettings.from(with("sluice.background.webhook-retry.enabled = false"));
    assertFalse(settings.enabled("webhook-retry"));
    assertFalse(settings.armsTimers("webhook-retry"));
    assertTrue(settings.armsTimers("campaign-scheduler"));
    SettingsException e = refused("sluice.background.campaign-scheduler.enabled = maybe");
    assertTrue(e.getMessage().contains("sluice.background.campaign-scheduler.enabled is invalid"), e.getMessage());
  }

  @Test
  void theTokenNeverShowsInToString() {
    String shown = BackgroundSettings.from(with("sluice.serverless.tick-token = \"" + TOKEN + "\"")).toString();
    assertFalse(shown.contains(TOKEN), shown);
  }
}
