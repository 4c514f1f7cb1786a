package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClassifierSettingsTest {

  private static ClassifierSettings read(String overrides) {
    return ClassifierSettings.from(ConfigFactory.load(ConfigFactory.parseString(overrides)));
  }

  private static String refusal(String overrides) {
    return assertThrows(SettingsException.class, () -> read(overrides)).getMessage();
  }

  @Test
  void offByDefault() {
    ClassifierSettings settings = read("");
    assertFalse(settings.enabled());
    assertFalse(settings.simulated().enabled());
    assertEquals(Duration.ofSeconds(5), settings.timeout());
    assertEquals(3, settings.attempts());
    assertEquals(Duration.ofSeconds(2), settings.simulated().latency());
  }

  @Test
  void theSimulatedClassifierSwitchesTheClassifierOnWithoutAUrl() {
    ClassifierSettings settings = read("sluice.classifier.simulated.enabled = true");
    assertTrue(settings.enabled());
    assertTrue(settings.simulated().enabled());
  }

  @Test
  void aRealClassifierNeedsAUrl() {
    String message = refusal("sluice.classifier.enabled = true");
    assertTrue(message.contains("sluice.classifier.url is empty but is required while the classifier is enabled"),
        message);
    assertEquals("https://classifier.example/v1/classify",
        read("sluice.classifier.enabled = true, sluice.classifier.url = \"https://classifier.example/v1/classify\"")
            .url());
  }

  @Test
  void invalidValuesNameTheirKeys() {
    String message = refusal("sluice.classifier.url = \"ftp://x\", sluice.classifier.attempts = 0,"
        + " sluice.classifier.random-factor = 2, sluice.classifier.min-backoff = 3s,"
        + " sluice.classifier.simulated.latency = -1s, sluice.classifier.simulated.port = 70000");
    assertTrue(message.contains("sluice.classifier.url is 'ftp://x' but must be an http:// or https:// URL"),
        message);
    assertTrue(message.contains("sluice.classifier.attempts is 0 but must be at least 1"), message);
    assertTrue(message.contains("sluice.classifier.random-factor is 2.0 but must be at most 1.0"), message);
    assertTrue(message.contains("sluice.classifier.max-backoff is PT2S but must be at least"
        + " sluice.classifier.min-backoff PT3S"), message);
    assertTrue(message.contains("sluice.classifier.simulated.latency is PT-1S but must not be negative"), message);
    assertTrue(message.contains("sluice.classifier.simulated.port is 70000 but must be at most 65535"), message);
  }
}
