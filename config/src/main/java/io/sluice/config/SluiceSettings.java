package io.sluice.config;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;

/** All of Sluice's settings, read from {@code sluice.*} and validated as a whole. */
public record SluiceSettings(
    Mode mode,
    DatabaseSettings database,
    PoolSettings dbPool,
    LimitSettings dbLimit,
    HttpSettings http,
    JournalPoolSettings journalPool,
    ClusterSettings cluster,
    ManagementSettings management,
    ConnectionBudget budget) {

  /**
   * Reads and validates the {@code sluice} section.
   *
   * @throws SettingsException naming every wrong key and why
   */
  public static SluiceSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    Mode mode = reader.oneOf("sluice.mode", Mode.class, Mode.STANDALONE);
    // SERVERLESS=true, the platforms' spelling, means the same as sluice.mode = serverless.
    if (config.hasPath(BackgroundSettings.SERVERLESS_ALIAS) && reader.bool(BackgroundSettings.SERVERLESS_ALIAS)) {
      mode = Mode.SERVERLESS;
    }
    DatabaseSettings database = new DatabaseSettings(
        reader.nonBlank("sluice.database.url"),
        reader.string("sluice.database.user"),
        reader.string("sluice.database.password"),
        reader.intAtLeast("sluice.database.max-connections", 1),
        config.hasPath("sluice.database.migrate-on-start") && config.getBoolean("sluice.database.migrate-on-start"));
    if (!database.url().isEmpty() && !database.url().startsWith("jdbc:")) {
      reader.fail("sluice.database.url", "must be a JDBC URL (jdbc:postgresql://... or jdbc:h2:...)", null);
    }
    PoolSettings dbPool = readPool(reader, "db");
    LimitSettings dbLimit = readLimit(reader, dbPool);
    HttpSettings http = new HttpSettings(reader.nonBlank("sluice.http.host"), reader.intAtLeast("sluice.http.port", 0));
    if (http.port() > 65535) {
      reader.fail("sluice.http.port", "is " + http.port() + " but must be at most 65535", null);
    }
    JournalPoolSettings journalPool = JournalPoolSettings.read(reader);
    ManagementSettings management = ManagementSettings.read(reader);
    ClusterSettings cluster = ClusterSettings.read(reader, management);
    // In a fixed order, so the arithmetic reads the same on every start.
    Map<String, Integer> pools = new LinkedHashMap<>();
    pools.put("pool " + dbPool.name(), dbPool.maxSize());
    pools.put("pool " + journalPool.name(), journalPool.maxSize());
    ConnectionBudget budget = new ConnectionBudget(database.maxConnections(), pools);
    budget.check(reader);
    reader.throwIfInvalid();
    return new SluiceSettings(mode, database, dbPool, dbLimit, http, journalPool, cluster, management, budget);
  }

  private static PoolSettings readPool(SettingsReader reader, String name) {
    String key = "sluice.pools." + name + ".";
    PoolSettings pool = new PoolSettings(
        name,
        reader.nonBlank(key + "application-name"),
        reader.intAtLeast(key + "max-size", 1),
        reader.intAtLeast(key + "limit", 1),
        reader.intAtLeast(key + "max-queue", 1),
        reader.positiveDuration(key + "default-max-wait"),
        reader.positiveDuration(key + "max-hold"),
        reader.intAtLeast(key + "max-long-lived", 0),
        reader.positiveDuration(key + "idle-timeout"),
        reader.positiveDuration(key + "ageing-interval"),
        reader.positiveDuration(key + "connection-timeout"));
    if (pool.limit() > pool.maxSize()) {
      reader.fail(key + "limit", "is " + pool.limit() + " but must not exceed " + key + "max-size " + pool.maxSize(),
          null);
    }
    if (pool.maxLongLived() >= pool.limit()) {
      reader.fail(key + "max-long-lived", "is " + pool.maxLongLived() + " but must be below " + key + "limit "
          + pool.limit() + " so that short work always has a permit", null);
    }
    if (pool.connectionTimeout().toMillis() < 250) {
      reader.fail(key + "connection-timeout", "is " + pool.connectionTimeout()
          + " but HikariCP needs at least 250ms", null);
    }
    return pool;
  }

  private static LimitSettings readLimit(SettingsReader reader, PoolSettings pool) {
    String key = "sluice.pools." + pool.name() + ".";
    return LimitControlReader.read(reader, key + "limit-control.", key + "limit", pool.limit());
  }
}
