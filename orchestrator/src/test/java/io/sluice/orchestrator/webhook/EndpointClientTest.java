package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.completeWithFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.DateTime;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.AttemptOutcome.Kind;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpEndpointClient} against a real Akka HTTP receiver on loopback, and plain sockets for broken ones. */
class EndpointClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final int BODY_LIMIT = 64;
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant TIMESTAMP = Instant.parse("2026-11-26T09:59:58Z");
  private static final OutboundMessage MESSAGE = new OutboundMessage("msg_2Xb9", "campaign.completed",
      TIMESTAMP, "{\"type\":\"campaign.completed\",\"data\":{\"campaignId\":\"c-1\",\"name\":\"Grüße ☕\"}}");

  private static ActorTestKit testKit;
  private WebhookReceiver receiver;

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create("EndpointClientTest");
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = new WebhookReceiver(testKit.system());
  }

  @AfterEach
  void stopReceiver() throws Exception {
    receiver.close();
  }

  static WebhookSettings settings(Duration attemptTimeout, int bodyLimit) {
    return WebhookSettings.from(ConfigFactory.parseString(
            "sluice.webhooks { attempt-timeout = " + attemptTimeout.toMillis() + "ms\n"
                + "response-body-limit = " + bodyLimit + " }")
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  static HttpEndpointClient client(DestinationGuard guard, Duration attemptTimeout, int bodyLimit) {
    return new HttpEndpointClient(testKit.system(), settings(attemptTimeout, bodyLimit), guard,
        testKit.system().dispatchers().lookup(DispatcherSelector.blocking()), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** The receivers of these tests are on loopback. */
  private static HttpEndpointClient client() {
    return client(new ResolvedAddressGuard(List.of("127.0.0.0/8")), TIMEOUT, BODY_LIMIT);
  }

  static EndpointConfig endpoint(String id, String url, int maxConcurrency, String... secrets) {
    return new EndpointConfig(id, "ws-1", url, List.of(secrets), true, false, maxConcurrency, 0,
        DeliveryOrdering.UNORDERED);
  }

  private static EndpointConfig endpoint(String url) {
    return endpoint("ep-1", url, 4, StandardWebhooks.generateSecret());
  }

  /** Waits for the outcome; the stage must complete normally, so any failure fails the test. */
  static AttemptOutcome outcome(HttpEndpointClient client, EndpointConfig endpoint) throws Exception {
    return client.send(endpoint, MESSAGE, TIMESTAMP).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse response(int status, String body) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  /** The signature computed with javax.crypto alone, not through StandardWebhooks. */
  static String independentSignature(String secret, String id, long timestamp, String body)
      throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(digest);
  }

  @Test
  void postsTheSignedPayloadWithOneSecret() throws Exception {
    receiver.on("/in", () -> complete(response(200, "{\"received\":true}")));
    String secret = StandardWebhooks.generateSecret();

    AttemptOutcome outcome = outcome(client(), endpoint("ep-1", receiver.url("/in"), 4, secret));

    assertEquals(new AttemptOutcome(Kind.DELIVERED, 200, outcome.latencyMillis(), "{\"received\":true}", null,
        null), outcome);
    WebhookReceiver.Received request = receiver.received().get(0);
    assertEquals("POST", request.request().method().value());
    JsonNode body = JSON.readTree(request.body());
    assertEquals(MESSAGE.eventType(), body.path("type").asText());
    assertEquals(MESSAGE.createdAt().toString(), body.path("timestamp").asText());
    assertEquals(JSON.readTree(MESSAGE.payload()), body.path("data"),
        "the payload travels as the body's data, as published");
    assertEquals(ContentTypes.APPLICATION_JSON, request.request().entity().getContentType());
    assertEquals("msg_2Xb9", request.header("webhook-id"));
    assertEquals(Long.toString(TIMESTAMP.getEpochSecond()), request.header("webhook-timestamp"));
    assertEquals(independentSignature(secret, "msg_2Xb9", TIMESTAMP.getEpochSecond(), request.body()),
        request.header("webhook-signature"), "the signature covers the body exactly as sent");
    assertEquals("Sluice-Webhooks/1", request.header("user-agent"));
  }

  @Test
  void signsWithEverySecretOfTheEndpointSpaceSeparated() throws Exception {
    receiver.on("/in", () -> complete(response(204, "")));
    String current = StandardWebhooks.generateSecret();
    String rotatedOut = StandardWebhooks.generateSecret(64);

    AttemptOutcome outcome = outcome(client(), endpoint("ep-1", receiver.url("/in"), 4, current, rotatedOut));

    assertEquals(Kind.DELIVERED, outcome.kind());
    assertEquals(204, outcome.status());
    long timestamp = TIMESTAMP.getEpochSecond();
    String sent = receiver.received().get(0).body();
    assertEquals(independentSignature(current, "msg_2Xb9", timestamp, sent) + " "
            + independentSignature(rotatedOut, "msg_2Xb9", timestamp, sent),
        receiver.received().get(0).header("webhook-signature"));
  }

  @Test
  void anUnusableSecretFailsTheAttemptWithoutSendingOrShowingIt() throws Exception {
    receiver.on("/in", () -> complete(response(200, "{}")));

    AttemptOutcome malformed = outcome(client(), endpoint("ep-1", receiver.url("/in"), 4, "whsec_not*base64!"));
    AttemptOutcome none = outcome(client(), endpoint("ep-1", receiver.url("/in"), 4));

    assertEquals(Kind.FAILED, malformed.kind());
    assertEquals("cannot sign: webhook secret is not whsec_<base64>", malformed.error());
    assertEquals("cannot sign: at least one webhook secret is needed to sign", none.error());
    assertEquals(List.of(), receiver.received());
  }

  @Test
  void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
    receiver.on("/moved", () -> complete(HttpResponse.create().withStatus(302)
        .addHeader(Location.create(receiver.url("/target")))));
    receiver.on("/target", () -> complete(response(200, "{}")));

    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/moved")));

    assertEquals(Kind.FAILED, outcome.kind());
    assertEquals(302, outcome.status());
    assertEquals("HTTP 302 Found: redirects are not followed", outcome.error());
    assertEquals(0, receiver.count("/target"), "the redirect target saw no request");
    assertEquals(1, receiver.count("/moved"));
  }

  @Test
  void goneIsReportedForTheEndpointToBeDisabled() throws Exception {
    receiver.on("/old", () -> complete(response(410, "{\"error\":\"endpoint removed\"}")));

    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/old")));

    assertEquals(new AttemptOutcome(Kind.GONE, 410, outcome.latencyMillis(), "{\"error\":\"endpoint removed\"}",
        "HTTP 410 Gone", null), outcome);
  }

  @Test
  void tooManyRequestsCarriesRetryAfterInSeconds() throws Exception {
    receiver.on("/busy", () -> complete(response(429, "slow down").addHeader(RetryAfter.create(120L))));

    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/busy")));

    assertEquals(new AttemptOutcome(Kind.THROTTLED, 429, outcome.latencyMillis(), "slow down",
        "HTTP 429 Too Many Requests", Duration.ofSeconds(120)), outcome);
  }

  @Test
  void tooManyRequestsCarriesRetryAfterAsADateCountedFromTheClock() throws Exception {
    DateTime in90Seconds = DateTime.create(2026, 11, 26, 10, 1, 30);
    receiver.on("/busy", () -> complete(response(429, "").addHeader(RetryAfter.create(in90Seconds))));

    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/busy")));

    assertEquals(Kind.THROTTLED, outcome.kind());
    assertEquals(Duration.ofSeconds(90), outcome.retryAfter());
  }

  @Test
  void serviceUnavailableIsThrottledWithoutRetryAfterWhenNoneIsSent() throws Exception {
    receiver.on("/down", () -> complete(response(503, "maintenance")));

    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/down")));

    assertEquals(new AttemptOutcome(Kind.THROTTLED, 503, outcome.latencyMillis(), "maintenance",
        "HTTP 503 Service Unavailable", null), outcome);
  }

  @Test
  void aServerErrorRecordsTheStatusAndThePrefixOfItsBody() throws Exception {
    String body = "{\"error\":\"database unavailable\",\"trace\":\"" + "x".repeat(500) + "\"}";
    receiver.on("/broken", () -> complete(response(500, body)));

    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/broken")));

    assertEquals(new AttemptOutcome(Kind.FAILED, 500, outcome.latencyMillis(), body.substring(0, BODY_LIMIT),
        "HTTP 500 Internal Server Error", null), outcome);
  }

  @Test
  void aReceiverThatNeverAnswersTimesOutWithinTheAttemptTimeout() throws Exception {
    receiver.on("/hang", () -> completeWithFuture(new CompletableFuture<>()));

    long start = System.nanoTime();
    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/hang")));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(Kind.TIMED_OUT, outcome.kind());
    assertEquals(0, outcome.status());
    assertEquals("no complete answer within PT0.5S", outcome.error());
    assertTrue(outcome.latencyMillis() >= TIMEOUT.toMillis(), "latency " + outcome.latencyMillis());
    assertTrue(tookMillis < TIMEOUT.toMillis() + 400, "gave up after " + tookMillis + " ms");
    assertEquals(1, receiver.count("/hang"));
  }

  @Test
  void aBodyThatTricklesTimesOut() throws Exception {
    receiver.on("/trickle", () -> complete(HttpResponse.create().withStatus(200).withEntity(
        HttpEntities.createChunked(ContentTypes.TEXT_PLAIN_UTF8,
            Source.tick(Duration.ZERO, Duration.ofMillis(100), ByteString.fromString("."))))));

    long start = System.nanoTime();
    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/trickle")));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(Kind.TIMED_OUT, outcome.kind(), outcome.toString());
    assertTrue(tookMillis < TIMEOUT.toMillis() + 400, "gave up after " + tookMillis + " ms");
  }

  @Test
  void anEndlessBodyIsReadOnlyUpToTheLimit() throws Exception {
    AtomicInteger chunksServed = new AtomicInteger();
    ByteString chunk = ByteString.fromArray(filled(64 * 1024));
    receiver.on("/endless", () -> complete(HttpResponse.create().withStatus(200).withEntity(
        HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM,
            Source.repeat(chunk).map(c -> {
              chunksServed.incrementAndGet();
              return c;
            })))));

    AttemptOutcome outcome = outcome(client(), endpoint(receiver.url("/endless")));

    assertEquals(Kind.DELIVERED, outcome.kind(), outcome.toString());
    assertEquals("a".repeat(BODY_LIMIT), outcome.responsePrefix());
    assertTrue(outcome.latencyMillis() < TIMEOUT.toMillis(), "latency " + outcome.latencyMillis());
    assertTrue(chunksServed.get() > 0);
  }

  @Test
  void aHugeBodyOfKnownLengthIsCutAtTheLimitAndNotBuffered() throws Exception {
    // 16 MiB: over Akka's default client max-content-length too, which does not apply to a prefix.
    int chunkSize = 256 * 1024;
    int chunks = 64;
    ByteString chunk = ByteString.fromArray(filled(chunkSize));
    receiver.on("/huge", () -> complete(HttpResponse.create().withStatus(500).withEntity(
        HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, (long) chunkSize * chunks,
            Source.repeat(chunk).take(chunks)))));

    AttemptOutcome outcome = outcome(client(
        new ResolvedAddressGuard(List.of("127.0.0.0/8")), Duration.ofSeconds(5), 4096), endpoint(receiver.url("/huge")));

    assertEquals(Kind.FAILED, outcome.kind(), outcome.toString());
    assertEquals(500, outcome.status());
    assertEquals(4096, outcome.responsePrefix().length());
    assertEquals("a".repeat(4096), outcome.responsePrefix());
  }

  private static byte[] filled(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'a');
    return bytes;
  }

  @Test
  void aConnectionResetIsAFailure() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      AtomicInteger accepted = new AtomicInteger();
      Thread resetter = new Thread(() -> {
        try (Socket socket = server.accept()) {
          accepted.incrementAndGet();
          InputStream in = socket.getInputStream();
          in.read(new byte[8192]);
          socket.setSoLinger(true, 0); // close with RST
        } catch (Exception e) {
          // the test's assertions tell
        }
      }, "resetter");
      resetter.start();

      AttemptOutcome outcome = outcome(client(),
          endpoint("http://127.0.0.1:" + server.getLocalPort() + "/in"));

      assertEquals(Kind.FAILED, outcome.kind(), outcome.toString());
      assertEquals(0, outcome.status());
      assertTrue(outcome.error().contains("Connection reset"), outcome.error());
      assertNull(outcome.retryAfter());
      resetter.join(5000);
      assertEquals(1, accepted.get(), "one connection, no resend");
    }
  }

  @Test
  void aRefusedConnectionIsAFailure() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }

    AttemptOutcome outcome = outcome(client(), endpoint("http://127.0.0.1:" + closedPort + "/in"));

    assertEquals(Kind.FAILED, outcome.kind());
    assertEquals(0, outcome.status());
    assertTrue(outcome.error().contains("Connection refused"), outcome.error());
  }

  @Test
  void aRefusedDestinationGetsNoRequest() throws Exception {
    receiver.on("/in", () -> complete(response(200, "{}")));
    HttpEndpointClient guarded = client(new ResolvedAddressGuard(List.of()), TIMEOUT, BODY_LIMIT);

    AttemptOutcome outcome = outcome(guarded, endpoint(receiver.url("/in")));

    assertEquals(Kind.REFUSED, outcome.kind());
    assertEquals(0, outcome.status());
    assertEquals("127.0.0.1 is a loopback address", outcome.error());
    assertEquals(List.of(), receiver.received());
  }

  @Test
  void anAddressThatChangedBeforeTheConnectionIsRefusedThere() throws Exception {
    receiver.on("/in", () -> complete(response(200, "{}")));
    // Lets the name through and refuses every literal address: what a host rebound to a private address looks like
    // between the attempt's check and the connection's.
    DestinationGuard rebinding = url -> url.getHost().equals("localhost") ? Optional.empty()
        : Optional.of(url.getHost() + " is not allowed");
    String url = receiver.url("/in").replace("127.0.0.1", "localhost");

    AttemptOutcome outcome = outcome(client(rebinding, TIMEOUT, BODY_LIMIT), endpoint(url));

    assertEquals(Kind.REFUSED, outcome.kind(), outcome.toString());
    assertTrue(outcome.error().startsWith("host localhost now resolves to a refused address: "), outcome.error());
    assertEquals(List.of(), receiver.received());
  }

  @Test
  void schemesOtherThanHttpAreRefusedBeforeAnyConnection() throws Exception {
    AttemptOutcome outcome = outcome(client(), endpoint("ftp://127.0.0.1/in"));

    assertEquals(Kind.REFUSED, outcome.kind());
    assertEquals("scheme ftp is not allowed: only http and https", outcome.error());
  }

  @Test
  void aGuardThatFailsIsAFailedAttemptNotAFailedStage() throws Exception {
    DestinationGuard broken = url -> {
      throw new IllegalStateException("resolver unavailable");
    };

    AttemptOutcome outcome = outcome(client(broken, TIMEOUT, BODY_LIMIT), endpoint(receiver.url("/in")));

    assertEquals(Kind.FAILED, outcome.kind());
    assertEquals("resolver unavailable", outcome.error());
    assertEquals(List.of(), receiver.received());
  }
}
