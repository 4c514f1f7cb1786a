package io.sluice.config;

import com.typesafe.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The optional call classifier ({@code sluice.classifier}): an HTTP service that refines a finished call's score.
 * When it is off, or fails for good, a call keeps the score its provider gave.
 *
 * @param enabled whether calls are sent to the classifier at all
 * @param url the endpoint a classification is POSTed to; unused when the simulated classifier serves instead
 * @param timeout how long one attempt may take, from sending the request to the whole answer
 * @param attempts attempts in all, the first included; only transient failures (time-outs, connection errors, 429,
 *     5xx) are tried again
 * @param minBackoff the pause before the second attempt; it doubles per attempt up to {@code maxBackoff}
 * @param maxBackoff the longest pause between attempts
 * @param randomFactor jitter: each pause is lengthened by up to this share of itself, so retries do not align
 * @param maxConnections connections the client keeps to the classifier; more concurrent requests queue in the client
 * @param simulated the loopback stand-in for demos and tests
 */
public record ClassifierSettings(
    boolean enabled,
    String url,
    Duration timeout,
    int attempts,
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor,
    int maxConnections,
    Simulated simulated) {

  private static final String KEY = "sluice.classifier.";

  /**
   * The simulated classifier: a real HTTP server on loopback that labels deterministically from the provider's score.
   *
   * @param enabled start it, and send classifications to it instead of {@code url}
   * @param port where it listens on 127.0.0.1; 0 picks a free port
   * @param latency how long it takes to answer, as a real model would
   */
  public record Simulated(boolean enabled, int port, Duration latency) {}

  /**
   * Reads and validates {@code sluice.classifier}.
   *
   * @throws SettingsException naming every wrong key and why
   */
  public static ClassifierSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    Simulated simulated = new Simulated(
        reader.bool(KEY + "simulated.enabled"),
        reader.intAtLeast(KEY + "simulated.port", 0),
        reader.nonNegativeDuration(KEY + "simulated.latency"));
    ClassifierSettings settings = new ClassifierSettings(
        reader.bool(KEY + "enabled"),
        reader.string(KEY + "url"),
        reader.positiveDuration(KEY + "timeout"),
        reader.intAtLeast(KEY + "attempts", 1),
        reader.positiveDuration(KEY + "min-backoff"),
        reader.positiveDuration(KEY + "max-backoff"),
        reader.fraction(KEY + "random-factor"),
        reader.intAtLeast(KEY + "max-connections", 1),
        simulated);
    if (simulated.port() > 65535) {
      reader.fail(KEY + "simulated.port", "is " + simulated.port() + " but must be at most 65535", null);
    }
    if (settings.maxBackoff().compareTo(settings.minBackoff()) < 0) {
      reader.fail(KEY + "max-backoff", "is " + settings.maxBackoff() + " but must be at least " + KEY
          + "min-backoff " + settings.minBackoff(), null);
    }
    String urlProblem = urlProblem(settings.url());
    if (urlProblem != null && (settings.enabled() && !simulated.enabled() || !settings.url().isBlank())) {
      reader.fail(KEY + "url", urlProblem, null);
    }
    reader.throwIfInvalid();
    return settings;
  }

  /** The same settings sending to {@code newUrl}: where the simulated classifier was bound. */
  public ClassifierSettings withUrl(String newUrl) {
    return new ClassifierSettings(enabled, newUrl, timeout, attempts, minBackoff, maxBackoff, randomFactor,
        maxConnections, simulated);
  }

  private static String urlProblem(String url) {
    if (url.isBlank()) {
      return "is empty but is required while the classifier is enabled and not simulated";
    }
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        return "is '" + url + "' but must be an http:// or https:// URL with a host";
      }
      return null;
    } catch (URISyntaxException e) {
      return "is '" + url + "' but is not a URL: " + e.getReason();
    }
  }
}
