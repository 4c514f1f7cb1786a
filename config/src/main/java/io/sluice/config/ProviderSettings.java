package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.sluice.protocols.campaign.CallOutcome;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The call provider Sluice places campaign calls with ({@code sluice.provider}): where it is, how hard to push it,
 * how to verify the outcome events it posts back, and the simulated provider used in development and tests.
 *
 * @param url base URL of the provider; calls go to {@code {url}/v1/calls}
 * @param apiKey bearer token sent to the provider; never logged ({@link #toString()} hides it)
 * @param webhookSecret {@code whsec_<base64>} shared with the provider for outcome events; empty only while the
 *     simulated provider is enabled (the process then generates one per run and gives it to both sides)
 * @param timestampTolerance how far an event's {@code webhook-timestamp} may be from now
 * @param requestTimeout how long one request to the provider may take, response body included
 * @param maxRetries retries of a request after a transient failure (5xx, connection failure, time-out)
 * @param minBackoff first retry delay; doubles per retry up to {@code maxBackoff}, with 20 % jitter
 * @param callsPerSecond the account-wide request rate the provider allows (every attempt counts)
 * @param maxConcurrentRequests requests in flight at once; keep at most Akka HTTP's
 *     {@code akka.http.host-connection-pool.max-open-requests}
 * @param queueSize requests that may wait for the rate limit; a full queue fails new requests at once
 * @param callbackUrl where the provider posts outcome events (Sluice's {@code /v1/provider/events}); empty: this
 *     service's own, at the address its HTTP server is bound to
 */
public record ProviderSettings(
    String url,
    String apiKey,
    String webhookSecret,
    Duration timestampTolerance,
    Duration requestTimeout,
    int maxRetries,
    Duration minBackoff,
    Duration maxBackoff,
    int callsPerSecond,
    int maxConcurrentRequests,
    int queueSize,
    String callbackUrl,
    Simulated simulated) {

  private static final String KEY = "sluice.provider.";

  /**
   * The in-process simulated provider ({@code sluice.provider.simulated}).
   *
   * @param port loopback port; 0 picks a free one
   * @param latency how long a simulated call lasts (ring plus talk time) before its outcome is posted
   * @param outcomeWeights relative weight of each outcome; at least one positive
   * @param scoreMean mean of the lead score (normal distribution, clamped to 0–100) of answered calls
   * @param scoreStddev its standard deviation
   * @param failureRate share of requests answered 500 after the call was placed
   * @param dropRate share of outcome events never posted
   * @param duplicateRate share of outcome events posted twice with the same event id
   * @param concurrencyCap calls in progress at once; more are answered 429
   * @param retryAfter the {@code Retry-After} of a 429
   * @param seed seed of every random choice, so a run can be repeated
   * @param rememberCalls the newest calls (idempotency keys, requests) the simulator remembers; older ones are
   *     forgotten, so its memory stays bounded however many calls a long-running service places
   */
  public record Simulated(boolean enabled, int port, Duration latency, Map<CallOutcome, Double> outcomeWeights,
      double scoreMean, double scoreStddev, double failureRate, double dropRate, double duplicateRate,
      int concurrencyCap, Duration retryAfter, long seed, int rememberCalls) {
    /** The default of {@code remember-calls} (reference.conf). */
    public static final int DEFAULT_REMEMBER_CALLS = 10_000;

    public Simulated {
      outcomeWeights = Map.copyOf(outcomeWeights);
    }

    /** With the default memory of {@link #DEFAULT_REMEMBER_CALLS} calls. */
    public Simulated(boolean enabled, int port, Duration latency, Map<CallOutcome, Double> outcomeWeights,
        double scoreMean, double scoreStddev, double failureRate, double dropRate, double duplicateRate,
        int concurrencyCap, Duration retryAfter, long seed) {
      this(enabled, port, latency, outcomeWeights, scoreMean, scoreStddev, failureRate, dropRate, duplicateRate,
          concurrencyCap, retryAfter, seed, DEFAULT_REMEMBER_CALLS);
    }
  }

  /**
   * Reads and validates the {@code sluice.provider} section.
   *
   * @throws SettingsException naming every wrong key and why
   */
  public static ProviderSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    Simulated simulated = readSimulated(reader, config);
    ProviderSettings settings = new ProviderSettings(
        httpUrl(reader, KEY + "url"),
        reader.string(KEY + "api-key"),
        reader.string(KEY + "webhook-secret"),
        reader.positiveDuration(KEY + "timestamp-tolerance"),
        reader.positiveDuration(KEY + "request-timeout"),
        reader.intAtLeast(KEY + "max-retries", 0),
        reader.positiveDuration(KEY + "min-backoff"),
        reader.positiveDuration(KEY + "max-backoff"),
        reader.intAtLeast(KEY + "calls-per-second", 1),
        reader.intAtLeast(KEY + "max-concurrent-requests", 1),
        reader.intAtLeast(KEY + "queue-size", 1),
        optionalHttpUrl(reader, KEY + "callback-url"),
        simulated);
    if (settings.maxBackoff().compareTo(settings.minBackoff()) < 0) {
      reader.fail(KEY + "max-backoff", "is " + settings.maxBackoff() + " but must not be below " + KEY
          + "min-backoff " + settings.minBackoff(), null);
    }
    checkSecret(reader, settings.webhookSecret(), simulated.enabled());
    reader.throwIfInvalid();
    return settings;
  }

  private static Simulated readSimulated(SettingsReader reader, Config config) {
    String key = KEY + "simulated.";
    Map<CallOutcome, Double> weights = new EnumMap<>(CallOutcome.class);
    double total = 0;
    for (CallOutcome outcome : CallOutcome.values()) {
      double weight = reader.doubleAtLeast(key + "outcome-weights." + outcome.name().toLowerCase(Locale.ROOT)
          .replace('_', '-'), 0.0);
      weights.put(outcome, weight);
      total += weight;
    }
    if (total <= 0) {
      reader.fail(key + "outcome-weights", "must give at least one outcome a positive weight", null);
    }
    int port = reader.intAtLeast(key + "port", 0);
    if (port > 65535) {
      reader.fail(key + "port", "is " + port + " but must be at most 65535", null);
    }
    boolean enabled = read(reader, key + "enabled", () -> config.getBoolean(key + "enabled"), false);
    long seed = read(reader, key + "seed", () -> config.getLong(key + "seed"), 1L);
    int cap = reader.intAtLeast(key + "concurrency-cap", 1);
    int remember = reader.intAtLeast(key + "remember-calls", 1);
    if (remember < cap) {
      reader.fail(key + "remember-calls", "is " + remember + " but must be at least " + key + "concurrency-cap "
          + cap + ": a call in progress must not be forgotten", null);
    }
    return new Simulated(enabled, port, reader.positiveDuration(key + "latency"), weights,
        reader.doubleAtLeast(key + "score-mean", 0.0), reader.doubleAtLeast(key + "score-stddev", 0.0),
        reader.fraction(key + "failure-rate"), reader.fraction(key + "drop-rate"),
        reader.fraction(key + "duplicate-rate"), cap, reader.positiveDuration(key + "retry-after"), seed, remember);
  }

  /** A value of a type {@link SettingsReader} has no getter for; a wrong one is reported like any other. */
  private static <T> T read(SettingsReader reader, String key, Supplier<T> getter, T placeholder) {
    try {
      return getter.get();
    } catch (ConfigException e) {
      return reader.fail(key, "is missing or invalid: " + e.getMessage(), placeholder);
    }
  }

  /** Empty is allowed: the service then derives the URL from the address its HTTP server is bound to. */
  private static String optionalHttpUrl(SettingsReader reader, String key) {
    return reader.string(key).isEmpty() ? "" : httpUrl(reader, key);
  }

  private static String httpUrl(SettingsReader reader, String key) {
    String value = reader.nonBlank(key);
    if (value.isEmpty()) {
      return value; // already reported as missing or empty
    }
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return value;
      }
    } catch (URISyntaxException e) {
      // reported below like any other non-URL
    }
    return reader.fail(key, "is '" + value + "' but must be an http:// or https:// URL", value);
  }

  private static void checkSecret(SettingsReader reader, String secret, boolean simulatedEnabled) {
    String key = KEY + "webhook-secret";
    if (secret.isEmpty()) {
      if (!simulatedEnabled) {
        reader.fail(key, "must be set (whsec_<base64>) unless " + KEY + "simulated.enabled = true", null);
      }
      return;
    }
    // The value itself is never echoed: it is a secret.
    if (!secret.startsWith("whsec_")) {
      reader.fail(key, "must have the form whsec_<base64>", null);
      return;
    }
    try {
      if (Base64.getDecoder().decode(secret.substring("whsec_".length())).length < 24) {
        reader.fail(key, "must hold at least 24 random bytes", null);
      }
    } catch (IllegalArgumentException e) {
      reader.fail(key, "must have the form whsec_<base64>; the part after whsec_ is not base64", null);
    }
  }

  /** Hides the API key and the webhook secret. */
  @Override
  public String toString() {
    return "ProviderSettings[url=" + url + ", apiKey=" + (apiKey.isEmpty() ? "" : "***") + ", webhookSecret="
        + (webhookSecret.isEmpty() ? "" : "***") + ", timestampTolerance=" + timestampTolerance + ", requestTimeout="
        + requestTimeout + ", maxRetries=" + maxRetries + ", minBackoff=" + minBackoff + ", maxBackoff=" + maxBackoff
        + ", callsPerSecond=" + callsPerSecond + ", maxConcurrentRequests=" + maxConcurrentRequests + ", queueSize="
        + queueSize + ", callbackUrl=" + callbackUrl + ", simulated=" + simulated + "]";
  }
}
