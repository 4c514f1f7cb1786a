package io.sluice.orchestrator.signing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
  /** The example secret and message of the Standard Webhooks specification's reference tests. */
  private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long SPEC_TIMESTAMP = 1614265330;
  private static final String SPEC_BODY = "{\"test\": 2432232314}";
  private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static final Instant NOW = Instant.ofEpochSecond(SPEC_TIMESTAMP);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static StandardWebhooks webhooks(String secret) {
    return new StandardWebhooks(secret, Duration.ofMinutes(5), CLOCK);
  }

  /** The signature computed here with javax.crypto alone, not through the class under test. */
  private static String independentSignature(String secret, String id, long timestamp, String body) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(digest);
  }

  @Test
  void signsExactlyAsTheSpecificationsExample() throws Exception {
    String signature = webhooks(SPEC_SECRET).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    assertEquals(independentSignature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), signature);
    assertEquals(SPEC_SIGNATURE, signature);
  }

  @Test
  void verifiesAnIndependentlyComputedSignature() throws Exception {
    String secret = StandardWebhooks.generateSecret();
    String body = "{\"eventId\":\"evt_1\",\"status\":\"ANSWERED\",\"summary\":\"café ☕\"}";
    String signature = independentSignature(secret, "evt_1", SPEC_TIMESTAMP, body);
    assertDoesNotThrow(() -> webhooks(secret).verify("evt_1", Long.toString(SPEC_TIMESTAMP), signature, body));
  }

  @Test
  void signsWithEverySecretSpaceSeparatedInTheirOrder() throws Exception {
    String rotated = StandardWebhooks.generateSecret();
    String header = StandardWebhooks.sign(List.of(SPEC_SECRET, rotated), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    assertEquals(SPEC_SIGNATURE + " " + independentSignature(rotated, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), header);
    assertDoesNotThrow(() -> webhooks(rotated).verify(SPEC_ID, Long.toString(SPEC_TIMESTAMP), header, SPEC_BODY));
    assertThrows(IllegalArgumentException.class, () -> StandardWebhooks.sign(List.of(), SPEC_ID, 1, SPEC_BODY));
  }

  @Test
  void anyOneOfSeveralSignaturesIsEnough() throws Exception {
    String good = independentSignature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    String other = independentSignature(StandardWebhooks.generateSecret(), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    String header = "v1a,c29tZXRoaW5nIGVsc2U= " + other + " " + good;
    assertDoesNotThrow(() -> webhooks(SPEC_SECRET).verify(SPEC_ID, Long.toString(SPEC_TIMESTAMP), header, SPEC_BODY));
  }

  @Test
  void refusesAChangedBodyIdOrTimestampAndAnotherSecret() throws Exception {
    StandardWebhooks webhooks = webhooks(SPEC_SECRET);
    String ts = Long.toString(SPEC_TIMESTAMP);
    assertFailure(StandardWebhooks.Failure.BAD_SIGNATURE,
        () -> webhooks.verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY + " "));
    assertFailure(StandardWebhooks.Failure.BAD_SIGNATURE,
        () -> webhooks.verify(SPEC_ID + "x", ts, SPEC_SIGNATURE, SPEC_BODY));
    assertFailure(StandardWebhooks.Failure.BAD_SIGNATURE,
        () -> webhooks.verify(SPEC_ID, Long.toString(SPEC_TIMESTAMP - 1), SPEC_SIGNATURE, SPEC_BODY));
    assertFailure(StandardWebhooks.Failure.BAD_SIGNATURE,
        () -> webhooks(StandardWebhooks.generateSecret()).verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY));
    assertFailure(StandardWebhooks.Failure.BAD_SIGNATURE,
        () -> webhooks.verify(SPEC_ID, ts, "v1,not-base64!!", SPEC_BODY));
    assertFailure(StandardWebhooks.Failure.BAD_SIGNATURE,
        () -> webhooks.verify(SPEC_ID, ts, SPEC_SIGNATURE.replace("v1,", "v2,"), SPEC_BODY));
  }

  @Test
  void refusesTimestampsOutsideTheTolerance() {
    StandardWebhooks webhooks = webhooks(SPEC_SECRET);
    long stale = NOW.minus(Duration.ofMinutes(5)).minusSeconds(1).getEpochSecond();
    long future = NOW.plus(Duration.ofMinutes(5)).plusSeconds(1).getEpochSecond();
    long edge = NOW.minus(Duration.ofMinutes(5)).getEpochSecond();
    assertFailure(StandardWebhooks.Failure.STALE_TIMESTAMP, () -> webhooks.verify(SPEC_ID, Long.toString(stale),
        webhooks.sign(SPEC_ID, stale, SPEC_BODY), SPEC_BODY));
    assertFailure(StandardWebhooks.Failure.FUTURE_TIMESTAMP, () -> webhooks.verify(SPEC_ID, Long.toString(future),
        webhooks.sign(SPEC_ID, future, SPEC_BODY), SPEC_BODY));
    assertDoesNotThrow(() -> webhooks.verify(SPEC_ID, Long.toString(edge), webhooks.sign(SPEC_ID, edge, SPEC_BODY),
        SPEC_BODY));
    assertFailure(StandardWebhooks.Failure.BAD_TIMESTAMP, () -> webhooks.verify(SPEC_ID, "yesterday",
        SPEC_SIGNATURE, SPEC_BODY));
    assertFailure(StandardWebhooks.Failure.MISSING_HEADERS, () -> webhooks.verify(SPEC_ID,
        Long.toString(SPEC_TIMESTAMP), null, SPEC_BODY));
  }

  @Test
  void headersForANewMessageVerify() {
    StandardWebhooks webhooks = webhooks(SPEC_SECRET);
    StandardWebhooks.Headers headers = webhooks.headersFor("evt_2", SPEC_BODY);
    assertEquals(Long.toString(SPEC_TIMESTAMP), headers.timestamp());
    assertDoesNotThrow(() -> webhooks.verify("evt_2", headers.timestamp(), headers.signature(), SPEC_BODY));
  }

  @Test
  void generatedSecretsAreRandomWhsecOfTheAskedLength() {
    String first = StandardWebhooks.generateSecret(24);
    String second = StandardWebhooks.generateSecret(64);
    assertTrue(first.startsWith("whsec_"));
    assertEquals(24, Base64.getDecoder().decode(first.substring(6)).length);
    assertEquals(64, Base64.getDecoder().decode(second.substring(6)).length);
    assertNotEquals(StandardWebhooks.generateSecret(), StandardWebhooks.generateSecret());
    assertThrows(IllegalArgumentException.class, () -> StandardWebhooks.generateSecret(23));
    assertThrows(IllegalArgumentException.class, () -> StandardWebhooks.generateSecret(65));
  }

  @Test
  void aMalformedSecretIsRefusedWithoutRevealingIt() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new StandardWebhooks("whsec_secret?value"));
    assertTrue(!refused.getMessage().contains("secret?value"));
  }

  private interface Verification {
    void run() throws StandardWebhooks.VerificationException;
  }

  private static void assertFailure(StandardWebhooks.Failure expected, Verification verification) {
    StandardWebhooks.VerificationException refused =
        assertThrows(StandardWebhooks.VerificationException.class, verification::run);
    assertEquals(expected, refused.failure());
  }
}
