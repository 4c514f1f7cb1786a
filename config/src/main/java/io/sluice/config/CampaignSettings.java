package io.sluice.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/**
 * Limits and the legal calling hours for outbound campaigns ({@code sluice.campaigns.*}).
 *
 * @param quietHoursEnforced whether every calling window is clipped to [quietHoursStart, quietHoursEnd) in the
 *     recipient's local time (US TCPA: no calls before 08:00 or after 21:00); only an explicit setting turns it off
 * @param maxLeads the most leads one campaign may hold, whether sent as JSON or imported from CSV
 * @param maxConcurrentCalls the ceiling a campaign's own max-concurrent-calls may ask for
 * @param csvMaxBytes the largest CSV body read; a longer one is refused without reading the rest
 * @param insertBatchSize rows per JDBC batch when leads are written
 * @param callSlotWait how long a dialled lead waits for a call slot before the attempt is put back
 * @param retryLater how long a lead waits after an attempt that placed no call
 * @param askTimeout how long the API and the webhook wait for a campaign entity's answer
 */
public record CampaignSettings(
    boolean quietHoursEnforced,
    LocalTime quietHoursStart,
    LocalTime quietHoursEnd,
    int maxLeads,
    int maxConcurrentCalls,
    long csvMaxBytes,
    int insertBatchSize,
    Duration callSlotWait,
    Duration retryLater,
    Duration askTimeout) {

  private static final String KEY = "sluice.campaigns.";

  /**
   * Reads and validates {@code sluice.campaigns}.
   *
   * @throws SettingsException naming every wrong key and why
   */
  public static CampaignSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    boolean enforced = reader.bool(KEY + "quiet-hours.enforced");
    LocalTime start = time(reader, config, KEY + "quiet-hours.start");
    LocalTime end = time(reader, config, KEY + "quiet-hours.end");
    if (start != null && end != null && !end.isAfter(start)) {
      reader.fail(KEY + "quiet-hours.end", "is " + end + " but must be after " + KEY + "quiet-hours.start " + start,
          null);
    }
    CampaignSettings settings = new CampaignSettings(enforced, start, end,
        reader.intAtLeast(KEY + "max-leads", 1),
        reader.intAtLeast(KEY + "max-concurrent-calls", 1),
        reader.intAtLeast(KEY + "csv.max-bytes", 1),
        reader.intAtLeast(KEY + "insert-batch-size", 1),
        reader.positiveDuration(KEY + "call-slot-wait"),
        reader.positiveDuration(KEY + "retry-later"),
        reader.positiveDuration(KEY + "ask-timeout"));
    reader.throwIfInvalid();
    return settings;
  }

  /** The time at {@code key}, or null (with a problem recorded) when it is not one. */
  private static LocalTime time(SettingsReader reader, Config config, String key) {
    String raw = reader.string(key);
    try {
      return LocalTime.parse(raw);
    } catch (DateTimeParseException e) {
      // A missing key was already recorded by string().
      return config.hasPath(key) ? reader.fail(key, "is '" + raw + "' but must be a time like 08:00", null) : null;
    }
  }
}
