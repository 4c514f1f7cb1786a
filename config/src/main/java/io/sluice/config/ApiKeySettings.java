package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Workspace API keys and the admin key that manages them ({@code sluice.http.admin-key},
 * {@code sluice.http.key-cache.*}, {@code sluice.bootstrap.*}).
 *
 * @param adminKey the bearer token of the admin API; empty disables that API. Never logged: {@link #toString()} hides
 *     it
 * @param keyCacheTtl how long a verified workspace key is trusted without asking the database again, which is also how
 *     long a revocation made on another instance can take to reach this one
 * @param keyCacheMaxEntries how many verified keys are remembered at most
 * @param createFirstKey whether start-up creates a {@code default} workspace and a key when there is no workspace yet
 * @param firstKeyFile where that first key is written, readable by the owner only
 */
public record ApiKeySettings(String adminKey, Duration keyCacheTtl, int keyCacheMaxEntries, boolean createFirstKey,
    Path firstKeyFile) {
  /** Shorter admin keys are refused: the admin key is typed by people and must still resist guessing. */
  public static final int MIN_ADMIN_KEY_LENGTH = 32;

  /**
   * Reads and validates the keys above.
   *
   * @throws SettingsException naming every wrong key and why, never echoing the admin key
   */
  public static ApiKeySettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    String adminKey = reader.string("sluice.http.admin-key");
    if (!adminKey.isEmpty() && adminKey.length() < MIN_ADMIN_KEY_LENGTH) {
      reader.fail("sluice.http.admin-key", "has " + adminKey.length() + " characters but must have at least "
          + MIN_ADMIN_KEY_LENGTH + " (or be empty to disable the admin API)", null);
    }
    ApiKeySettings settings = new ApiKeySettings(
        adminKey,
        reader.positiveDuration("sluice.http.key-cache.ttl"),
        reader.intAtLeast("sluice.http.key-cache.max-entries", 1),
        flag(reader, config, "sluice.bootstrap.create-first-key"),
        path(reader, "sluice.bootstrap.first-key-file"));
    reader.throwIfInvalid();
    return settings;
  }

  /** Whether the admin API is served at all. */
  public boolean adminEnabled() {
    return !adminKey.isEmpty();
  }

  @Override
  public String toString() {
    return "ApiKeySettings[adminKey=" + (adminEnabled() ? "<set>" : "<empty>") + ", keyCacheTtl=" + keyCacheTtl
        + ", keyCacheMaxEntries=" + keyCacheMaxEntries + ", createFirstKey=" + createFirstKey + ", firstKeyFile="
        + firstKeyFile + "]";
  }

  private static boolean flag(SettingsReader reader, Config config, String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      return reader.fail(key, "must be true or false", false);
    }
  }

  private static Path path(SettingsReader reader, String key) {
    String raw = reader.nonBlank(key);
    try {
      return Path.of(raw);
    } catch (InvalidPathException e) {
      return reader.fail(key, "is not a valid path: " + e.getReason(), Path.of("."));
    }
  }
}
