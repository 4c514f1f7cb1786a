package io.sluice.orchestrator.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Clock;
import kamon.Kamon;
import kamon.metric.Instrument;
import kamon.tag.TagSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/provider/events} over real HTTP, deduplicated by the real PostgreSQL. */
class ProviderWebhookRouteTest {
  private static final String SECRET = StandardWebhooks.generateSecret();
  private static final StandardWebhooks SIGNER = new StandardWebhooks(SECRET);
  private static ActorTestKit testKit;
  private static InboxDatabase inbox;
  private static ProviderWebhookRoute webhook;
  private static ServerBinding binding;
  private static final Queue<ProviderEvent> consumed = new ConcurrentLinkedQueue<>();
  private static volatile boolean consumerFails;

  record Answer(int status, String body) {}

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("ProviderWebhookRouteTest");
    inbox = new InboxDatabase(testKit);
    InboxDatabase.placed("c-1", "1", "c-1:1:1");
    webhook = new ProviderWebhookRoute(testKit.system(), new StandardWebhooks(SECRET), inbox.database, null,
        event -> {
          consumed.add(event);
          return consumerFails
              ? CompletableFuture.failedFuture(new IllegalStateException("campaign side down"))
              : CompletableFuture.completedFuture(Done.getInstance());
        }, Clock.systemUTC());
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(webhook.route())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    binding.unbind();
    inbox.close();
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void reset() {
    consumed.clear();
    consumerFails = false;
  }

  private static ProviderEvent event() {
    return new ProviderEvent("evt_" + UUID.randomUUID(), "call_1", "c-1:1:1", "c-1", "1", 1,
        CallOutcome.ANSWERED, 95, "Interested in a demo", 87);
  }

  private static String json(ProviderEvent event) {
    return "{\"eventId\":\"" + event.eventId() + "\",\"callId\":\"" + event.callId() + "\",\"idempotencyKey\":\""
        + event.idempotencyKey() + "\",\"campaignId\":\"" + event.campaignId() + "\",\"leadId\":\"" + event.leadId()
        + "\",\"attempt\":" + event.attempt() + ",\"status\":\"" + event.status() + "\",\"durationSeconds\":"
        + event.durationSeconds() + ",\"summary\":\"" + event.summary() + "\",\"score\":" + event.score() + "}";
  }

  private static Answer post(String id, long timestamp, String signature, String body) throws Exception {
    HttpRequest request = HttpRequest.POST("http://127.0.0.1:" + binding.localAddress().getPort()
            + "/v1/provider/events")
        .addHeader(RawHeader.create("webhook-id", id))
        .addHeader(RawHeader.create("webhook-timestamp", Long.toString(timestamp)))
        .addHeader(RawHeader.create("webhook-signature", signature))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    HttpResponse response = Http.get(testKit.system()).singleRequest(request).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    String text = response.entity().toStrict(5000, Materializer.matFromSystem(testKit.system()))
        .toCompletableFuture().get(5, TimeUnit.SECONDS).getData().utf8String();
    return new Answer(response.status().intValue(), text);
  }

  private static Answer postSigned(String id, String body) throws Exception {
    long now = Instant.now().getEpochSecond();
    return post(id, now, SIGNER.sign(id, now, body), body);
  }

  private static void eventually(ThrowingCheck check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  private interface ThrowingCheck {
    void run() throws Exception;
  }

  @Test
  void aSignedEventIsStoredHandedOverAndMarkedProcessedOnce() throws Exception {
    ProviderEvent event = event();

    Answer first = postSigned(event.eventId(), json(event));

    assertEquals(202, first.status(), first.body());
    eventually(() -> assertEquals(1, InboxDatabase.processed(event.eventId())));
    assertEquals(List.of(event), List.copyOf(consumed));

    Answer again = postSigned(event.eventId(), json(event));
    assertEquals(200, again.status(), again.body());
    assertTrue(again.body().contains("duplicate"), again.body());
    Thread.sleep(200); // the consumer would have been called by now
    assertEquals(1, consumed.size(), "a redelivered event reaches the consumer no second time");
    assertEquals(1, InboxDatabase.rows(event.eventId()));
  }

  @Test
  void concurrentDeliveriesOfOneEventAreTakenOnce() throws Exception {
    ProviderEvent event = event();
    List<CompletableFuture<Answer>> deliveries = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      deliveries.add(CompletableFuture.supplyAsync(() -> {
        try {
          return postSigned(event.eventId(), json(event));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Answer> delivery : deliveries) {
      statuses.add(delivery.get(10, TimeUnit.SECONDS).status());
    }

    statuses.sort(null);
    assertEquals(List.of(200, 200, 200, 200, 200, 202), statuses);
    eventually(() -> assertEquals(1, InboxDatabase.processed(event.eventId())));
    Thread.sleep(200);
    assertEquals(List.of(event), List.copyOf(consumed));
  }

  @Test
  void aBadSignatureIs401AndStoresNothing() throws Exception {
    ProviderEvent event = event();
    long now = Instant.now().getEpochSecond();
    String forged = new StandardWebhooks(StandardWebhooks.generateSecret()).sign(event.eventId(), now, json(event));

    long refusedBefore = rejected("bad_signature");

    Answer answer = post(event.eventId(), now, forged, json(event));

    assertEquals(401, answer.status(), answer.body());
    assertEquals(refusedBefore + 1, rejected("bad_signature"));
    assertTrue(answer.body().contains("\"field\":\"webhook-signature\""), answer.body());
    assertEquals(0, InboxDatabase.rows(event.eventId()));
    assertTrue(consumed.isEmpty());
  }

  @Test
  void anEventAboutACallNeverPlacedIs404AndStoresNothing() throws Exception {
    ProviderEvent known = event();
    ProviderEvent unknown = new ProviderEvent(known.eventId(), known.callId(), "c-1:1:2", "c-1", "1", 2,
        CallOutcome.ANSWERED, 95, "Interested in a demo", 87);
    long now = Instant.now().getEpochSecond();
    long refusedBefore = rejected("unknown_call");

    Answer answer = post(unknown.eventId(), now, SIGNER.sign(unknown.eventId(), now, json(unknown)), json(unknown));

    assertEquals(404, answer.status(), answer.body());
    assertTrue(answer.body().contains("\"field\":\"idempotencyKey\""), answer.body());
    assertEquals(refusedBefore + 1, rejected("unknown_call"));
    assertEquals(0, InboxDatabase.rows(unknown.eventId()));
    assertTrue(consumed.isEmpty());
  }

  @Test
  void aStaleTimestampIs400EvenWhenCorrectlySigned() throws Exception {
    ProviderEvent event = event();
    long stale = Instant.now().minus(Duration.ofMinutes(6)).getEpochSecond();

    Answer answer = post(event.eventId(), stale, SIGNER.sign(event.eventId(), stale, json(event)), json(event));

    assertEquals(400, answer.status(), answer.body());
    assertTrue(answer.body().contains("\"field\":\"webhook-timestamp\""), answer.body());
    assertEquals(0, InboxDatabase.rows(event.eventId()));
  }

  @Test
  void malformedEventsAre400NamingTheField() throws Exception {
    String id = "evt_" + UUID.randomUUID();
    assertField("body", postSigned(id, "{\"eventId\": "));
    String good = json(event()).replaceFirst("evt_[0-9a-f-]+", id);
    assertField("status", postSigned(id, good.replace("\"ANSWERED\"", "\"HUNG_UP\"")));
    assertField("attempt", postSigned(id, good.replace("\"attempt\":1", "\"attempt\":\"first\"")));
    assertField("leadId", postSigned(id, good.replace("\"leadId\":\"1\",", "")));
    assertField("score", postSigned(id, good.replace("\"score\":87", "\"score\":101")));
    assertField("eventId", postSigned("evt_other", good));
    assertEquals(0, InboxDatabase.rows(id));
    assertTrue(consumed.isEmpty());
  }

  /** The current count of {@code sluice.provider.events.rejected{reason}}. */
  private static long rejected(String reason) {
    return (Long) ((Instrument.Snapshotting<?>) Kamon.counter("sluice.provider.events.rejected")
        .withTags(TagSet.of("reason", reason))).snapshot(false);
  }

  private static void assertField(String field, Answer answer) {
    assertEquals(400, answer.status(), answer.body());
    assertTrue(answer.body().contains("\"field\":\"" + field + "\""), answer.body());
  }

  @Test
  void anEventWhoseConsumerFailedIsRedeliveredAtStartUp() throws Exception {
    ProviderEvent event = event();
    consumerFails = true;

    assertEquals(202, postSigned(event.eventId(), json(event)).status());
    eventually(() -> assertEquals(1, consumed.size()));
    Thread.sleep(200); // a processed stamp would have been written by now
    assertEquals(0, InboxDatabase.processed(event.eventId()));

    consumerFails = false;
    consumed.clear();
    int redelivered = webhook.redeliverUnprocessed(100).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertEquals(1, redelivered);
    assertEquals(List.of(event), List.copyOf(consumed));
    assertEquals(1, InboxDatabase.processed(event.eventId()));
    assertEquals(0, (int) webhook.redeliverUnprocessed(100).toCompletableFuture().get(5, TimeUnit.SECONDS));
  }
}
