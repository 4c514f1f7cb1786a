package io.sluice.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The call provider's concurrent calls, shared by every campaign through one permit supervisor
 * ({@code sluice.call-slots}). A slot is a permit like a database connection's, without a connection behind it.
 *
 * @param capacity concurrent calls the provider account allows (Vapi's default is 10, Retell's 20): the most slots
 *     granted at once
 * @param maxQueue requests that may wait for a slot; beyond it they are rejected with QUEUE_FULL
 * @param defaultMaxWait the wait allowed to requests that do not state their own
 * @param maxHold the longest a call may last before its slot counts as leaked and is taken back
 * @param idleTimeout quiet time (no slot out, no waiter) after which the supervisor stops its timers
 * @param ageingInterval waiting this long raises a request by one priority level, so low priorities cannot starve
 * @param limit how the limit adapts below {@code capacity}; its {@code minLimit} is also the floor a provider's 429
 *     can push the limit down to
 */
public record CallSlotSettings(
    int capacity,
    int maxQueue,
    Duration defaultMaxWait,
    Duration maxHold,
    Duration idleTimeout,
    Duration ageingInterval,
    LimitSettings limit) {

  /** The supervisor's pool name, as it appears in stats, logs and metrics. */
  public static final String NAME = "call-slots";
  private static final String KEY = "sluice.call-slots.";

  /**
   * Reads and validates {@code sluice.call-slots}.
   *
   * @throws SettingsException naming every wrong key and why
   */
  public static CallSlotSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    int capacity = reader.intAtLeast(KEY + "capacity", 1);
    CallSlotSettings settings = new CallSlotSettings(
        capacity,
        reader.intAtLeast(KEY + "max-queue", 1),
        reader.positiveDuration(KEY + "default-max-wait"),
        reader.positiveDuration(KEY + "max-hold"),
        reader.positiveDuration(KEY + "idle-timeout"),
        reader.positiveDuration(KEY + "ageing-interval"),
        LimitControlReader.read(reader, KEY + "limit-control.", KEY + "capacity", capacity));
    reader.throwIfInvalid();
    return settings;
  }

  /**
   * The supervisor's view: as many slots as the capacity, no long-lived leases (a call always ends), and no connection
   * to open, so the connection time-out is unused (zero).
   */
  public PoolSettings pool() {
    return new PoolSettings(NAME, "sluice-" + NAME, capacity, capacity, maxQueue, defaultMaxWait, maxHold, 0,
        idleTimeout, ageingInterval, Duration.ZERO);
  }
}
