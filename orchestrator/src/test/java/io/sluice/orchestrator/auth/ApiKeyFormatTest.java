package io.sluice.orchestrator.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Generating, parsing and checking keys, without a database. */
class ApiKeyFormatTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void aGeneratedKeyCarries32RandomBytesAndParsesBack() {
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate(RANDOM);
    assertTrue(generated.token().matches("sk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), generated.token());
    ApiKeyFormat.Presented presented = ApiKeyFormat.parse(generated.token()).orElseThrow();
    assertEquals(generated.prefix(), presented.prefix());
    assertEquals(32, Base64.getUrlDecoder().decode(presented.secret()).length);
    assertEquals(HexFormat.of().formatHex(ApiKeyFormat.sha256(presented.secret())), generated.hash());
  }

  @Test
  void noTwoKeysShareAPrefixOrASecret() {
    ApiKeyFormat.Presented a = ApiKeyFormat.parse(ApiKeyFormat.generate(RANDOM).token()).orElseThrow();
    ApiKeyFormat.Presented b = ApiKeyFormat.parse(ApiKeyFormat.generate(RANDOM).token()).orElseThrow();
    assertNotEquals(a.prefix(), b.prefix());
    assertNotEquals(a.secret(), b.secret());
  }

  @Test
  void onlyTheExactSecretMatchesItsStoredHash() {
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate(RANDOM);
    String secret = ApiKeyFormat.parse(generated.token()).orElseThrow().secret();
    byte[] stored = ApiKeyFormat.hashBytes(generated.hash());
    assertTrue(ApiKeyFormat.matches(secret, stored));
    assertFalse(ApiKeyFormat.matches(flip(secret, 0), stored), "first character differs");
    assertFalse(ApiKeyFormat.matches(flip(secret, secret.length() - 1), stored), "last character differs");
    assertFalse(ApiKeyFormat.matches(secret.substring(1), stored), "shorter");
    assertFalse(ApiKeyFormat.matches(secret + "A", stored), "longer");
    assertFalse(ApiKeyFormat.matches("", stored), "empty");
  }

  @Test
  void anythingButAWellFormedKeyIsRefusedBeforeAnyLookup() {
    String secret = "A".repeat(43);
    assertTrue(ApiKeyFormat.parse("sk_0123456789abcdef_" + secret).isPresent());
    for (String token : new String[] {"", "sk_", "0123456789abcdef_" + secret, "pk_0123456789abcdef_" + secret,
        "sk_0123456789ABCDEF_" + secret, "sk_0123456789abcde_" + secret, "sk_0123456789abcdef_" + secret + "A",
        "sk_0123456789abcdef_" + secret.substring(1), "sk_0123456789abcdef_" + secret.substring(1) + "=",
        "sk_0123456789abcdef " + secret}) {
      assertEquals(Optional.empty(), ApiKeyFormat.parse(token), token);
    }
  }

  @Test
  void aSecretMayContainTheSeparator() {
    String secret = "_".repeat(43);
    ApiKeyFormat.Presented presented = ApiKeyFormat.parse("sk_0123456789abcdef_" + secret).orElseThrow();
    assertEquals("0123456789abcdef", presented.prefix());
    assertEquals(secret, presented.secret());
  }

  @Test
  void theSecretNeverAppearsInToString() {
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate(RANDOM);
    ApiKeyFormat.Presented presented = ApiKeyFormat.parse(generated.token()).orElseThrow();
    assertFalse(generated.toString().contains(presented.secret()), generated.toString());
    assertFalse(presented.toString().contains(presented.secret()), presented.toString());
    assertArrayEquals(ApiKeyFormat.sha256(presented.secret()), ApiKeyFormat.hashBytes(generated.hash()));
  }

  private static String flip(String text, int index) {
    char replaced = text.charAt(index) == 'A' ? 'B' : 'A';
    return text.substring(0, index) + replaced + text.substring(index + 1);
  }
}
