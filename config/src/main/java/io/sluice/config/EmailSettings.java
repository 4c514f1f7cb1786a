package io.sluice.config;

import com.typesafe.config.Config;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;

/**
 * The campaign summary email ({@code sluice.email}): whether it is sent at all, how (SMTP or an outbox folder of
 * {@code .eml} files), from whom, and how a failed send is retried.
 *
 * @param campaignSummaryEnabled the feature flag; when off every summary is recorded as skipped, never dropped silently
 * @param spoolDir where composed messages wait, as {@code .eml} files, until they are sent (so a restart can resume)
 */
public record EmailSettings(
    boolean campaignSummaryEnabled,
    Transport transport,
    String from,
    Smtp smtp,
    String outboxDir,
    String spoolDir,
    Retry retry) {

  /** How messages leave the process. */
  public enum Transport { SMTP, OUTBOX }

  /**
   * An SMTP relay. {@code toString} leaves the password out so the settings can be logged.
   *
   * @param user empty for a relay without authentication
   * @param startTls require STARTTLS (the send fails rather than falling back to plain text)
   */
  public record Smtp(String host, int port, String user, String password, boolean startTls,
      Duration connectTimeout, Duration readTimeout, Duration writeTimeout) {
    @Override
    public String toString() {
      return "Smtp[host=" + host + ", port=" + port + ", user=" + user + ", password=<hidden>, startTls=" + startTls
          + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", writeTimeout=" + writeTimeout
          + "]";
    }
  }

  /**
   * Retries of a failed send: exponential backoff from {@code minBackoff} doubling up to {@code maxBackoff}, each delay
   * stretched by up to {@code randomFactor} (jitter), at most {@code maxAttempts} attempts in all.
   */
  public record Retry(int maxAttempts, Duration minBackoff, Duration maxBackoff, double randomFactor) {}

  /**
   * Reads and validates {@code sluice.email}.
   *
   * @throws SettingsException naming every wrong key and why
   */
  public static EmailSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    String key = "sluice.email.";
    boolean enabled = reader.bool(key + "campaign-summary.enabled");
    Transport transport = reader.oneOf(key + "transport", Transport.class, Transport.OUTBOX);
    String from = reader.nonBlank(key + "from");
    try {
      new InternetAddress(from, true).validate();
    } catch (AddressException e) {
      reader.fail(key + "from", "is '" + from + "' but must be an email address: " + e.getMessage(), null);
    }
    Smtp smtp = new Smtp(
        reader.string(key + "smtp.host"),
        reader.intAtLeast(key + "smtp.port", 1),
        reader.string(key + "smtp.user"),
        reader.string(key + "smtp.password"),
        reader.bool(key + "smtp.starttls"),
        reader.positiveDuration(key + "smtp.connect-timeout"),
        reader.positiveDuration(key + "smtp.read-timeout"),
        reader.positiveDuration(key + "smtp.write-timeout"));
    if (smtp.port() > 65535) {
      reader.fail(key + "smtp.port", "is " + smtp.port() + " but must be at most 65535", null);
    }
    if (transport == Transport.SMTP && smtp.host().isBlank()) {
      reader.fail(key + "smtp.host", "must be set when " + key + "transport is smtp", null);
    }
    Retry retry = new Retry(
        reader.intAtLeast(key + "retry.max-attempts", 1),
        reader.positiveDuration(key + "retry.min-backoff"),
        reader.positiveDuration(key + "retry.max-backoff"),
        reader.fraction(key + "retry.random-factor"));
    if (retry.maxBackoff().compareTo(retry.minBackoff()) < 0) {
      reader.fail(key + "retry.max-backoff", "is " + retry.maxBackoff() + " but must not be below " + key
          + "retry.min-backoff " + retry.minBackoff(), null);
    }
    EmailSettings settings = new EmailSettings(enabled, transport, from, smtp,
        reader.nonBlank(key + "outbox-dir"), reader.nonBlank(key + "spool-dir"), retry);
    reader.throwIfInvalid();
    return settings;
  }
}
