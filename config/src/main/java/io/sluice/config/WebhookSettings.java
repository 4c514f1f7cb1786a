package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Outbound webhooks ({@code sluice.webhooks.*}): the retry schedule, the limits of one attempt, secrets and the SSRF
 * guard's allow-list.
 *
 * @param retrySchedule the delay before each attempt, counted from the previous attempt's failure (the first from the
 *     publication); its length is the number of attempts before a message is dead-lettered
 * @param jitter each retry delay is moved by a random fraction in [-jitter, +jitter] of itself
 * @param attemptTimeout how long one attempt waits for the whole response before it counts as timed out
 * @param responseBodyLimit the most response-body bytes read and stored per attempt; the rest is never read
 * @param maxPayloadBytes the largest event payload accepted by {@code POST /v1/events}
 * @param secretBytes random bytes in a generated {@code whsec_} secret (24–64)
 * @param secretRotationOverlap how long a rotated-out secret still signs (both signatures are sent)
 * @param disableAfterFailingFor an endpoint whose every attempt failed for this long is disabled
 * @param idempotencyWindow how long a publication's idempotency key returns the first message
 * @param maxPendingPerEndpoint the most undelivered messages one endpoint's entity holds; one beyond it is
 *     dead-lettered at once (replayable)
 * @param defaultMaxConcurrency an endpoint's max concurrency when its creator does not say
 * @param maxConcurrencyCeiling the highest max concurrency an endpoint may ask for
 * @param defaultRateLimit an endpoint's messages per second when its creator does not say; 0 = no limit
 * @param allowAddresses CIDR blocks the SSRF guard lets through although they are loopback, private or link-local
 *     (tests, on-premise receivers); empty by default
 * @param askTimeout how long the API waits for a delivery entity's answer
 * @param publishParallelism the most groups of publications written at once (each under one database permit)
 * @param publishGroupSize the most publications written in one transaction
 * @param passivateAfterIdle how long an endpoint's entity with nothing to do stays up before it is passivated (its
 *     one timer meanwhile); zero passivates at once
 */
public record WebhookSettings(
    List<Duration> retrySchedule,
    double jitter,
    Duration attemptTimeout,
    int responseBodyLimit,
    int maxPayloadBytes,
    int secretBytes,
    Duration secretRotationOverlap,
    Duration disableAfterFailingFor,
    Duration idempotencyWindow,
    int maxPendingPerEndpoint,
    int defaultMaxConcurrency,
    int maxConcurrencyCeiling,
    int defaultRateLimit,
    List<String> allowAddresses,
    Duration askTimeout,
    int publishParallelism,
    int publishGroupSize,
    Duration passivateAfterIdle) {

  private static final String KEY = "sluice.webhooks.";
  /** The size of {@code webhook_attempt.response_prefix} (V7). */
  static final int MAX_STORED_RESPONSE_BYTES = 65_536;
  /** The size of {@code webhook_message.payload} (V7). */
  static final int MAX_STORED_PAYLOAD_BYTES = 1_048_576;

  public WebhookSettings {
    retrySchedule = List.copyOf(retrySchedule);
    allowAddresses = List.copyOf(allowAddresses);
  }

  /**
   * Reads and validates {@code sluice.webhooks}.
   *
   * @throws SettingsException naming every wrong key and why
   */
  public static WebhookSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    List<Duration> schedule = schedule(reader, config, KEY + "retry-schedule");
    int secretBytes = reader.intAtLeast(KEY + "secret-bytes", 24);
    if (secretBytes > 64) {
      secretBytes = reader.fail(KEY + "secret-bytes", "is " + secretBytes + " but must be at most 64", 64);
    }
    int defaultConcurrency = reader.intAtLeast(KEY + "default-max-concurrency", 1);
    int ceiling = reader.intAtLeast(KEY + "max-concurrency-ceiling", 1);
    if (defaultConcurrency > ceiling) {
      reader.fail(KEY + "default-max-concurrency", "is " + defaultConcurrency + " but must be at most "
          + KEY + "max-concurrency-ceiling " + ceiling, null);
    }
    WebhookSettings settings = new WebhookSettings(schedule,
        reader.fraction(KEY + "jitter"),
        reader.positiveDuration(KEY + "attempt-timeout"),
        atMost(reader, KEY + "response-body-limit", reader.intAtLeast(KEY + "response-body-limit", 0),
            MAX_STORED_RESPONSE_BYTES, "the attempt table's response column holds no more"),
        atMost(reader, KEY + "max-payload-bytes", reader.intAtLeast(KEY + "max-payload-bytes", 2),
            MAX_STORED_PAYLOAD_BYTES, "the message table's payload column holds no more"),
        secretBytes,
        reader.nonNegativeDuration(KEY + "secret-rotation-overlap"),
        reader.positiveDuration(KEY + "disable-after-failing-for"),
        reader.positiveDuration(KEY + "idempotency-window"),
        reader.intAtLeast(KEY + "max-pending-per-endpoint", 1),
        defaultConcurrency,
        ceiling,
        reader.intAtLeast(KEY + "default-rate-limit", 0),
        cidrs(reader, KEY + "allow-addresses"),
        reader.positiveDuration(KEY + "ask-timeout"),
        reader.intAtLeast(KEY + "publish-parallelism", 1),
        reader.intAtLeast(KEY + "publish-group-size", 1),
        reader.nonNegativeDuration(KEY + "passivate-after-idle"));
    reader.throwIfInvalid();
    return settings;
  }

  /** How many attempts a message gets before it is dead-lettered. */
  public int maxAttempts() {
    return retrySchedule.size();
  }

  private static int atMost(SettingsReader reader, String key, int value, int bound, String why) {
    return value > bound ? reader.fail(key, "is " + value + " but must be at most " + bound + ": " + why, bound)
        : value;
  }

  private static List<Duration> schedule(SettingsReader reader, Config config, String key) {
    List<Duration> delays;
    try {
      delays = config.getValue(key).valueType() == ConfigValueType.STRING
          ? ConfigFactory.parseString("d = [" + config.getString(key) + "]").getDurationList("d")
          : config.getDurationList(key);
    } catch (ConfigException e) {
      return reader.fail(key, "is invalid: must be a list of durations such as [0s, 5s, 5m]", List.of(Duration.ZERO));
    }
    if (delays.isEmpty()) {
      return reader.fail(key, "must hold at least one delay (the first attempt's)", List.of(Duration.ZERO));
    }
    for (Duration delay : delays) {
      if (delay.isNegative()) {
        return reader.fail(key, "holds " + delay + " but delays must not be negative", List.of(Duration.ZERO));
      }
    }
    return delays;
  }

  /** A comma-separated list of CIDR blocks ({@code 127.0.0.0/8, ::1/128}), checked for shape only. */
  private static List<String> cidrs(SettingsReader reader, String key) {
    String raw = reader.string(key).trim();
    List<String> blocks = new ArrayList<>();
    if (raw.isEmpty()) {
      return blocks;
    }
    for (String part : raw.split(",")) {
      String block = part.trim();
      if (!block.matches("[0-9A-Fa-f:.]+/\\d{1,3}")) {
        return reader.fail(key, "holds '" + block + "' but must be CIDR blocks like 127.0.0.0/8, ::1/128",
            List.of());
      }
      blocks.add(block);
    }
    return blocks;
  }
}
