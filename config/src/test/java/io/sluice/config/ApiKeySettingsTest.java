package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeySettingsTest {
  private static final String ADMIN_KEY = "adm-0123456789abcdefghijklmnopqrstuv";

  private static Config with(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  /**
   * reference.conf with {@code environment} as root keys: an optional substitution {@code ${?SLUICE_X}} finds a root
   * key before it looks at the real environment, so this exercises the override lines themselves.
   */
  private static Config withEnvironment(Map<String, String> environment) {
    return ConfigFactory.parseMap(environment).withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
  }

  @Test
  void defaultsDisableTheAdminApiAndCreateTheFirstKeyUnderData() {
    ApiKeySettings settings = ApiKeySettings.from(with(""));
    assertFalse(settings.adminEnabled());
    assertEquals("", settings.adminKey());
    assertEquals(Duration.ofSeconds(10), settings.keyCacheTtl());
    assertEquals(10_000, settings.keyCacheMaxEntries());
    assertTrue(settings.createFirstKey());
    assertEquals(Path.of("./data/first-api-key"), settings.firstKeyFile());
  }

  @Test
  void everyKeyHasItsEnvironmentOverride() {
    ApiKeySettings settings = ApiKeySettings.from(withEnvironment(Map.of(
        "SLUICE_ADMIN_KEY", ADMIN_KEY,
        "SLUICE_HTTP_KEY_CACHE_TTL", "3s",
        "SLUICE_HTTP_KEY_CACHE_MAX_ENTRIES", "7",
        "SLUICE_BOOTSTRAP_CREATE_FIRST_KEY", "false",
        "SLUICE_BOOTSTRAP_FIRST_KEY_FILE", "/var/lib/sluice/key")));
    assertTrue(settings.adminEnabled());
    assertEquals(ADMIN_KEY, settings.adminKey());
    assertEquals(Duration.ofSeconds(3), settings.keyCacheTtl());
    assertEquals(7, settings.keyCacheMaxEntries());
    assertFalse(settings.createFirstKey());
    assertEquals(Path.of("/var/lib/sluice/key"), settings.firstKeyFile());
  }

  @Test
  void aShortAdminKeyIsRefusedWithoutEchoingIt() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> ApiKeySettings.from(with("sluice.http.admin-key = \"short-but-secret\"")));
    assertEquals(List.of("sluice.http.admin-key has 16 characters but must have at least 32 (or be empty to disable"
        + " the admin API)"), refused.problems());
    assertFalse(refused.getMessage().contains("short-but-secret"));
  }

  @Test
  void everyInvalidValueIsNamed() {
    SettingsException refused = assertThrows(SettingsException.class, () -> ApiKeySettings.from(with(
        "sluice.http.key-cache.ttl = 0s, sluice.http.key-cache.max-entries = 0,"
            + " sluice.bootstrap.create-first-key = maybe, sluice.bootstrap.first-key-file = \"\"")));
    assertEquals(4, refused.problems().size(), refused.getMessage());
    for (String key : List.of("sluice.http.key-cache.ttl", "sluice.http.key-cache.max-entries",
        "sluice.bootstrap.create-first-key", "sluice.bootstrap.first-key-file")) {
      assertTrue(refused.problems().stream().anyMatch(problem -> problem.startsWith(key + " ")), key);
    }
  }

  @Test
  void theAdminKeyNeverAppearsInToString() {
    ApiKeySettings settings = ApiKeySettings.from(with("sluice.http.admin-key = \"" + ADMIN_KEY + "\""));
    assertFalse(settings.toString().contains(ADMIN_KEY), settings.toString());
    assertTrue(settings.toString().contains("adminKey=<set>"), settings.toString());
  }
}
