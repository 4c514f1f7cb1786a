package io.sluice.config;

import java.time.Duration;

/**
 * The pool Akka Persistence JDBC writes and replays events through ({@code sluice.pools.journal}). It is not governed
 * by permits (the plugin borrows connections itself), but it is a term of the {@link ConnectionBudget} and drains to
 * zero connections like the governed pools.
 *
 * @param name the pool's name ({@code journal}); also the key under {@code sluice.pools}
 * @param applicationName what the pool's connections report as {@code application_name}
 * @param maxSize physical connections the pool may open (HikariCP maximumPoolSize; minimumIdle is always 0)
 * @param idleTimeout quiet time (no connection borrowed) after which every idle connection is closed
 * @param connectionTimeout how long a journal write or replay may wait for a connection before it fails
 */
public record JournalPoolSettings(
    String name,
    String applicationName,
    int maxSize,
    Duration idleTimeout,
    Duration connectionTimeout) {

  static JournalPoolSettings read(SettingsReader reader) {
    String key = "sluice.pools.journal.";
    JournalPoolSettings pool = new JournalPoolSettings(
        "journal",
        reader.nonBlank(key + "application-name"),
        reader.intAtLeast(key + "max-size", 1),
        reader.positiveDuration(key + "idle-timeout"),
        reader.positiveDuration(key + "connection-timeout"));
    if (pool.connectionTimeout().toMillis() < 250) {
      reader.fail(key + "connection-timeout", "is " + pool.connectionTimeout() + " but HikariCP needs at least 250ms",
          null);
    }
    return pool;
  }
}
