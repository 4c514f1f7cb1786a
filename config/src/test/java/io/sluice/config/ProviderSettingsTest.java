package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ProviderSettingsTest {
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);

  private static Config with(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  private static String problems(String overrides) {
    return assertThrows(SettingsException.class, () -> ProviderSettings.from(with(overrides))).getMessage();
  }

  @Test
  void referenceDefaultsRunTheSimulatedProvider() {
    ProviderSettings settings = ProviderSettings.from(with(""));
    assertTrue(settings.simulated().enabled());
    assertEquals("http://127.0.0.1:8091", settings.url());
    assertEquals(0, settings.simulated().port(), "any free port: the client is pointed at the simulator");
    assertEquals("", settings.callbackUrl(), "derived from the bound HTTP address");
    assertEquals(Duration.ofMinutes(5), settings.timestampTolerance());
    assertEquals(10, settings.callsPerSecond());
    assertEquals(0.45, settings.simulated().outcomeWeights().get(CallOutcome.ANSWERED));
    assertEquals(0.02, settings.simulated().outcomeWeights().get(CallOutcome.INVALID_NUMBER));
    assertEquals("", settings.webhookSecret());
  }

  @Test
  void aRealProviderNeedsAWebhookSecret() {
    assertTrue(problems("sluice.provider.simulated.enabled = false").contains("sluice.provider.webhook-secret must"
        + " be set"));
    ProviderSettings settings = ProviderSettings.from(with("sluice.provider.simulated.enabled = false\n"
        + "sluice.provider.webhook-secret = \"" + SECRET + "\""));
    assertEquals(SECRET, settings.webhookSecret());
  }

  @Test
  void invalidValuesAreRefusedByKeyWithoutEchoingSecrets() {
    String message = problems("sluice.provider { url = \"ftp://x\", calls-per-second = 0, min-backoff = 2s,"
        + " max-backoff = 1s, webhook-secret = \"whsec_not base64!\", api-key = \"sk-live-123\","
        + " simulated { enabled = maybe, failure-rate = 1.5, port = 70000, outcome-weights { answered = -1 } } }");
    assertTrue(message.contains("sluice.provider.url is 'ftp://x' but must be an http:// or https:// URL"), message);
    assertTrue(message.contains("sluice.provider.calls-per-second is 0 but must be at least 1"), message);
    assertTrue(message.contains("sluice.provider.max-backoff is PT1S but must not be below"), message);
    assertTrue(message.contains("sluice.provider.webhook-secret must have the form whsec_<base64>"), message);
    assertTrue(message.contains("sluice.provider.simulated.failure-rate is 1.5 but must be at most 1.0"), message);
    assertTrue(message.contains("sluice.provider.simulated.port is 70000"), message);
    assertTrue(message.contains("sluice.provider.simulated.outcome-weights.answered is -1.0"), message);
    assertTrue(message.contains("sluice.provider.simulated.enabled is missing or invalid"), message);
    assertFalse(message.contains("not base64!"), message);
    assertFalse(message.contains("sk-live-123"), message);
  }

  @Test
  void aShortSecretIsRefused() {
    String shortSecret = "whsec_" + Base64.getEncoder().encodeToString(new byte[8]);
    assertTrue(problems("sluice.provider.webhook-secret = \"" + shortSecret + "\"")
        .contains("sluice.provider.webhook-secret must hold at least 24 random bytes"));
  }

  @Test
  void toStringHidesTheApiKeyAndTheSecret() {
    ProviderSettings settings = ProviderSettings.from(with("sluice.provider.api-key = \"sk-live-123\"\n"
        + "sluice.provider.webhook-secret = \"" + SECRET + "\""));
    assertFalse(settings.toString().contains("sk-live-123"));
    assertFalse(settings.toString().contains(SECRET.substring(6)));
  }

  @Test
  void theSimulatorRemembersAtLeastTheCallsItCanHaveInProgress() {
    assertEquals(10_000, ProviderSettings.from(with("")).simulated().rememberCalls());
    String refused = problems("sluice.provider.simulated { concurrency-cap = 50, remember-calls = 49 }");
    assertTrue(refused.contains("sluice.provider.simulated.remember-calls is 49 but"
        + " must be at least sluice.provider.simulated.concurrency-cap 50"), refused);
  }
}
