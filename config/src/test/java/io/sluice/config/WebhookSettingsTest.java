package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {

  private static WebhookSettings read(String overrides) {
    return WebhookSettings.from(ConfigFactory.load(ConfigFactory.parseString(overrides)));
  }

  @Test
  void theDefaultScheduleIsSvixs() {
    WebhookSettings settings = read("");
    assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
        Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)),
        settings.retrySchedule());
    assertEquals(8, settings.maxAttempts());
    assertEquals(Duration.ofSeconds(15), settings.attemptTimeout());
    assertEquals(4096, settings.responseBodyLimit());
    assertEquals(Duration.ofDays(5), settings.disableAfterFailingFor());
    assertEquals(Duration.ofHours(24), settings.idempotencyWindow());
    assertTrue(settings.allowAddresses().isEmpty());
  }

  @Test
  void aScheduleAndAllowListCanComeAsStrings() {
    WebhookSettings settings = read("""
        sluice.webhooks.retry-schedule = "0s, 1s,2s"
        sluice.webhooks.allow-addresses = "127.0.0.0/8, ::1/128"
        """);
    assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2)), settings.retrySchedule());
    assertEquals(List.of("127.0.0.0/8", "::1/128"), settings.allowAddresses());
  }

  @Test
  void everyBadKeyIsNamed() {
    SettingsException refused = assertThrows(SettingsException.class, () -> read("""
        sluice.webhooks {
          retry-schedule = []
          jitter = 1.5
          secret-bytes = 65
          default-max-concurrency = 300
          allow-addresses = "localhost"
          attempt-timeout = 0s
          response-body-limit = 70000
          max-payload-bytes = 2000000
        }
        """));
    String message = refused.getMessage();
    for (String key : List.of("retry-schedule", "jitter", "secret-bytes", "default-max-concurrency",
        "allow-addresses", "attempt-timeout", "response-body-limit", "max-payload-bytes")) {
      assertTrue(message.contains("sluice.webhooks." + key), () -> key + " not named in: " + message);
    }
  }

  @Test
  void aNegativeDelayIsRefused() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> read("sluice.webhooks.retry-schedule = [0s, -5s]"));
    assertTrue(refused.getMessage().contains("must not be negative"), refused::getMessage);
  }
}
