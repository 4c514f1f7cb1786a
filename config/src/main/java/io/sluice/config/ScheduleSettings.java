package io.sluice.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Recurring schedules ({@code sluice.schedules.*}): the limits of a registration, how firings are recorded, and how
 * many runs may work at once.
 *
 * @param maxPayloadBytes the largest payload a registration may carry
 * @param minInterval the shortest interval an interval schedule may have
 * @param recordBatchSize the most firings recorded in one transaction
 * @param maxConcurrentRuns firings whose actions run at once; further ones wait in the scheduler
 * @param handlersPerRun the most handlers one run may work with at once (a job's parallelism)
 * @param permitsPerHandler the most database permits one handler holds at once
 * @param catchUpGrace how late a due time may be fired and still count as on time rather than missed
 * @param askTimeout how long the API waits for the scheduler's answer
 */
public record ScheduleSettings(int maxPayloadBytes, Duration minInterval, int recordBatchSize, int maxConcurrentRuns,
    int handlersPerRun, int permitsPerHandler, Duration catchUpGrace, Duration askTimeout) {

  private static final String KEY = "sluice.schedules.";
  /** The size of {@code schedule.payload} (V8). */
  static final int MAX_STORED_PAYLOAD_BYTES = 1_048_576;

  /**
   * Reads and validates {@code sluice.schedules}, including the start-up check of incident 6: the most database work
   * the scheduled runs can ask for at once must fit the {@code db} pool's permits.
   *
   * @throws SettingsException naming every wrong key and why, with the arithmetic
   */
  public static ScheduleSettings from(Config config, PoolSettings db) {
    SettingsReader reader = new SettingsReader(config);
    int payload = reader.intAtLeast(KEY + "max-payload-bytes", 2);
    if (payload > MAX_STORED_PAYLOAD_BYTES) {
      payload = reader.fail(KEY + "max-payload-bytes", "is " + payload + " but must be at most "
          + MAX_STORED_PAYLOAD_BYTES + ": the schedule table's payload column holds no more", MAX_STORED_PAYLOAD_BYTES);
    }
    ScheduleSettings settings = new ScheduleSettings(payload,
        reader.positiveDuration(KEY + "min-interval"),
        reader.intAtLeast(KEY + "record-batch-size", 1),
        reader.intAtLeast(KEY + "max-concurrent-runs", 1),
        reader.intAtLeast(KEY + "handlers-per-run", 1),
        reader.intAtLeast(KEY + "permits-per-handler", 1),
        reader.nonNegativeDuration(KEY + "catch-up-grace"),
        reader.positiveDuration(KEY + "ask-timeout"));
    reader.throwIfInvalid();
    if (settings.worstCasePermits() > db.limit()) {
      reader.fail(KEY + "max-concurrent-runs", "lets scheduled runs ask for more database permits at once than"
          + " sluice.pools.db grants: " + settings.arithmetic(db) + "; lower " + KEY + "max-concurrent-runs, "
          + KEY + "handlers-per-run or " + KEY + "permits-per-handler, or raise sluice.pools.db.limit", null);
      reader.throwIfInvalid();
    }
    return settings;
  }

  /** The most permits the scheduled runs can hold at once. */
  public long worstCasePermits() {
    return (long) maxConcurrentRuns * handlersPerRun * permitsPerHandler;
  }

  /** For example {@code runs 2 × handlers 10 × permits 5 = 100 > db limit 30}. */
  public String arithmetic(PoolSettings db) {
    long worst = worstCasePermits();
    return "runs " + maxConcurrentRuns + " × handlers " + handlersPerRun + " × permits " + permitsPerHandler + " = "
        + worst + (worst <= db.limit() ? " <= " : " > ") + "db limit " + db.limit();
  }
}
