package io.sluice.orchestrator.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a workspace API key looks like and how its secret is checked. A key reads {@code sk_<prefix>_<secret>}: the
 * prefix (16 hex characters from 8 random bytes) is public and finds the stored row; the secret (43 base64url
 * characters from 32 {@link SecureRandom} bytes) is never stored, only its SHA-256.
 *
 * <p>A single fast, unsalted SHA-256 is right here, unlike for passwords. Slow salted hashes (bcrypt, Argon2) exist
 * because passwords are chosen by people and an attacker holding the hashes can try the few billion likely ones; the
 * work factor multiplies the cost of each guess. A secret of 256 uniformly random bits has no likely candidates:
 * inverting its SHA-256 means searching 2^256 values, which no work factor makes more hopeless, and no two keys share
 * a secret, so a salt would defend against nothing. A slow hash would only make every authenticated request cost tens
 * of milliseconds of CPU, which is a gift to anyone flooding the API.
 *
 * <p>The comparison of hashes uses {@link MessageDigest#isEqual}, whose time does not depend on where two digests first
 * differ, so response timing does not reveal how much of a guessed secret was right. Comparing digests rather than
 * secrets also hides the secret's length. The prefix lookup is not constant-time, and need not be: the prefix is not a
 * secret.
 */
final class ApiKeyFormat {
  static final String SCHEME = "sk_";
  static final int PREFIX_BYTES = 8;
  static final int SECRET_BYTES = 32;
  private static final Pattern WELL_FORMED = Pattern.compile("sk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private ApiKeyFormat() {}

  /** A freshly generated key: {@link #token} is what the client presents; only {@link #hash} is stored. */
  record Generated(String prefix, String token, String hash) {
    @Override
    public String toString() {
      return "Generated[prefix=" + prefix + "]";
    }
  }

  /** A key as a client presented it, split into its lookup prefix and its secret. */
  record Presented(String prefix, String secret) {
    @Override
    public String toString() {
      return "Presented[prefix=" + prefix + "]";
    }
  }

  static Generated generate(SecureRandom random) {
    byte[] prefix = new byte[PREFIX_BYTES];
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(prefix);
    random.nextBytes(secret);
    String prefixText = HEX.formatHex(prefix);
    String secretText = BASE64URL.encodeToString(secret);
    return new Generated(prefixText, SCHEME + prefixText + "_" + secretText, HEX.formatHex(sha256(secretText)));
  }

  /** The prefix and secret of a well-formed key; empty for anything else, which then needs no database lookup. */
  static Optional<Presented> parse(String token) {
    var match = WELL_FORMED.matcher(token);
    return match.matches() ? Optional.of(new Presented(match.group(1), match.group(2))) : Optional.empty();
  }

  /** Whether {@code secret} hashes to {@code storedHash}, compared in constant time. */
  static boolean matches(String secret, byte[] storedHash) {
    return MessageDigest.isEqual(sha256(secret), storedHash);
  }

  /** The stored (hex) form of a hash, back as bytes. */
  static byte[] hashBytes(String storedHex) {
    return HEX.parseHex(storedHex);
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
