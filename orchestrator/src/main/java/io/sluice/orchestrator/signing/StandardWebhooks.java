package io.sluice.orchestrator.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhooks the way the Standard Webhooks specification does (standardwebhooks.com): the signed
 * content is {@code "{webhook-id}.{webhook-timestamp}.{body}"}, the signature HMAC-SHA256 under the secret's bytes,
 * sent as {@code webhook-signature: v1,<base64>}; a header may carry several space-separated signatures (key
 * rotation), any one matching is enough. Secrets are {@code whsec_<base64 of 24–64 random bytes>}.
 *
 * <p>One instance per secret; thread-safe (a fresh {@link Mac} per operation). The timestamp check comes first so that
 * a replayed old request is refused without comparing signatures; comparisons are constant-time.
 */
public final class StandardWebhooks {
  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";
  /** The tolerance the specification recommends. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String SECRET_PREFIX = "whsec_";
  private static final String VERSION = "v1";
  private static final String ALGORITHM = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final Duration tolerance;
  private final Clock clock;

  /** Why a request was refused; {@link #name()} is safe to log and to use as a metric tag. */
  public enum Failure { MISSING_HEADERS, BAD_TIMESTAMP, STALE_TIMESTAMP, FUTURE_TIMESTAMP, BAD_SIGNATURE }

  /** A refused request; the message never contains the secret or an expected signature. */
  public static final class VerificationException extends Exception {
    private final Failure failure;

    VerificationException(Failure failure, String message) {
      super(message);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  /**
   * @param secret {@code whsec_<base64>} (a bare base64 secret is accepted too)
   * @param tolerance how far a timestamp may be from the clock, in either direction
   * @throws IllegalArgumentException if the secret is not base64 or is empty (the secret is not in the message)
   */
  public StandardWebhooks(String secret, Duration tolerance, Clock clock) {
    String encoded = Objects.requireNonNull(secret, "secret").startsWith(SECRET_PREFIX)
        ? secret.substring(SECRET_PREFIX.length()) : secret;
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("webhook secret is not whsec_<base64>");
    }
    if (bytes.length == 0) {
      throw new IllegalArgumentException("webhook secret is empty");
    }
    this.key = new SecretKeySpec(bytes, ALGORITHM);
    this.tolerance = tolerance;
    this.clock = clock;
  }

  public StandardWebhooks(String secret) {
    this(secret, DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /** A new {@code whsec_} secret of {@code bytes} random bytes (24 to 64). */
  public static String generateSecret(int bytes) {
    if (bytes < 24 || bytes > 64) {
      throw new IllegalArgumentException("secret length must be 24 to 64 bytes, was " + bytes);
    }
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(random);
  }

  /** A new 32-byte {@code whsec_} secret. */
  public static String generateSecret() {
    return generateSecret(32);
  }

  /** The {@code webhook-signature} header value for this message: {@code v1,<base64>}. */
  public String sign(String id, long timestampSeconds, String body) {
    return VERSION + "," + Base64.getEncoder().encodeToString(hmac(id, timestampSeconds, body));
  }

  /**
   * The {@code webhook-signature} header value signed with each of {@code secrets} in turn: {@code v1,<base64>} per
   * secret, space-separated, so that a receiver holding any one of them (during a key rotation) accepts the message.
   *
   * @throws IllegalArgumentException if a secret is not {@code whsec_<base64>} (the secret is not in the message)
   */
  public static String sign(List<String> secrets, String id, long timestampSeconds, String body) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one webhook secret is needed to sign");
    }
    return secrets.stream().map(secret -> new StandardWebhooks(secret).sign(id, timestampSeconds, body))
        .collect(Collectors.joining(" "));
  }

  /** The three headers of a message sent now: id, timestamp (epoch seconds), signature. */
  public Headers headersFor(String id, String body) {
    long timestamp = clock.instant().getEpochSecond();
    return new Headers(id, Long.toString(timestamp), sign(id, timestamp, body));
  }

  /** The Standard Webhooks headers of one message. */
  public record Headers(String id, String timestamp, String signature) {}

  /**
   * Checks one received message; returns normally only if its timestamp is within the tolerance and one of the
   * {@code v1} signatures in {@code signatureHeader} matches.
   */
  public void verify(String id, String timestampHeader, String signatureHeader, String body)
      throws VerificationException {
    if (isBlank(id) || isBlank(timestampHeader) || isBlank(signatureHeader)) {
      throw new VerificationException(Failure.MISSING_HEADERS,
          "webhook-id, webhook-timestamp and webhook-signature are all required");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampHeader.trim());
    } catch (NumberFormatException e) {
      throw new VerificationException(Failure.BAD_TIMESTAMP, "webhook-timestamp must be epoch seconds");
    }
    Instant now = clock.instant();
    Instant sent = Instant.ofEpochSecond(timestamp);
    if (sent.isBefore(now.minus(tolerance))) {
      throw new VerificationException(Failure.STALE_TIMESTAMP, "webhook-timestamp is older than " + tolerance);
    }
    if (sent.isAfter(now.plus(tolerance))) {
      throw new VerificationException(Failure.FUTURE_TIMESTAMP, "webhook-timestamp is more than " + tolerance
          + " in the future");
    }
    byte[] expected = hmac(id, timestamp, body);
    for (String candidate : signatureHeader.trim().split(" +")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !VERSION.equals(candidate.substring(0, comma))) {
        continue; // another scheme (e.g. a future v1a): not ours to judge
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return;
      }
    }
    throw new VerificationException(Failure.BAD_SIGNATURE, "no webhook-signature matches");
  }

  private byte[] hmac(String id, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java platform must provide HmacSHA256, and any non-empty key fits it.
      throw new IllegalStateException(e);
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
