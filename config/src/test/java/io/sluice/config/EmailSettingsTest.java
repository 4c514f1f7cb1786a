package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmailSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  private static String refusal(String overrides) {
    return assertThrows(SettingsException.class, () -> EmailSettings.from(with(overrides))).getMessage();
  }

  @Test
  void defaultsSendToTheOutboxFolderWithTheFlagOn() {
    EmailSettings settings = EmailSettings.from(with(""));
    assertTrue(settings.campaignSummaryEnabled());
    assertEquals(EmailSettings.Transport.OUTBOX, settings.transport());
    assertEquals("./data/outbox", settings.outboxDir());
    assertEquals(587, settings.smtp().port());
    assertEquals(Duration.ofSeconds(5), settings.retry().minBackoff());
  }

  @Test
  void smtpIsChosenByTheTransportKey() {
    EmailSettings settings = EmailSettings.from(with("sluice.email { transport = smtp, smtp.host = relay.example,"
        + " smtp.password = hunter2, campaign-summary.enabled = false }"));
    assertEquals(EmailSettings.Transport.SMTP, settings.transport());
    assertFalse(settings.campaignSummaryEnabled());
    assertFalse(settings.toString().contains("hunter2"), "the password is never printed: " + settings);
  }

  @Test
  void badFromAddressNamesTheKey() {
    String message = refusal("sluice.email.from = \"not an address <\"");
    assertTrue(message.contains("sluice.email.from is 'not an address <' but must be an email address"), message);
  }

  @Test
  void portOutOfRangeNamesTheKey() {
    assertTrue(refusal("sluice.email.smtp.port = 70000").contains("sluice.email.smtp.port is 70000 but must be at most"));
    assertTrue(refusal("sluice.email.smtp.port = 0").contains("sluice.email.smtp.port is 0 but must be at least 1"));
  }

  @Test
  void unknownTransportNamesTheKeyAndTheChoices() {
    String message = refusal("sluice.email.transport = carrier-pigeon");
    assertTrue(message.contains("sluice.email.transport is 'carrier-pigeon' but must be one of [smtp, outbox]"),
        message);
  }

  @Test
  void smtpWithoutHostAndInvertedBackoffAreBothReported() {
    String message = refusal("sluice.email { transport = smtp, retry.min-backoff = 1m, retry.max-backoff = 10s }");
    assertTrue(message.contains("sluice.email.smtp.host must be set"), message);
    assertTrue(message.contains("sluice.email.retry.max-backoff is PT10S but must not be below"), message);
  }
}
