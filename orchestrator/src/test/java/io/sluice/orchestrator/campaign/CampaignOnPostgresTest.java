package io.sluice.orchestrator.campaign;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ProviderSettings;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.classifier.SimulatedClassifier;
import io.sluice.orchestrator.provider.SimulatedProvider;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.orchestrator.webhook.WebhookReceiver;
import io.sluice.protocols.campaign.CallOutcome;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaigns through the running service on the real PostgreSQL, with the call provider and the classifier as real
 * HTTP servers in the test's JVM (so the test can read what they saw) and GreenMail as the SMTP relay. The call-slot
 * capacity (3) is above the provider's own concurrency cap (2), so the provider answers 429 under load and the
 * service must lower its call-slot limit and retry, yet complete every campaign.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CampaignOnPostgresTest {
  private static final String ADMIN_KEY = "postgres-test-admin-key-0123456789abcdef";
  private static final Duration CLASSIFIER_LATENCY = Duration.ofMillis(1500);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String DB_APP = "sluice-db-campaign-" + RUN;
  private static final String JOURNAL_APP = "sluice-journal-campaign-" + RUN;
  /** Owners unique to this run: the shared test database may still owe emails of earlier runs, and sends them. */
  private static final String OWNER = "owner-" + RUN + "@example.com";
  private static final String QUIET_OWNER = "quiet-" + RUN + "@example.com";

  /** Started by hand: one relay for the whole class, as the service is configured with its port once. */
  private static GreenMail greenMail;

  @TempDir
  static Path data;

  private static ActorTestKit peers;
  private static SimulatedProvider provider;
  private static SimulatedClassifier classifier;
  private static Sluice sluice;
  private static CampaignApi api;
  private static String completedCampaign;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.retireLeftoverWork();
    greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
    peers = ActorTestKit.create("CampaignPeers", ConfigFactory.parseString("akka.actor.provider = local"));
    String secret = StandardWebhooks.generateSecret();
    provider = SimulatedProvider.start(peers.system(), new ProviderSettings.Simulated(true, 0, Duration.ofMillis(800),
            Map.of(CallOutcome.ANSWERED, 0.7, CallOutcome.NO_ANSWER, 0.2, CallOutcome.BUSY, 0.1), 65, 25, 0.0, 0.0,
            0.2, 2, Duration.ofSeconds(1), 11), secret)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    classifier = SimulatedClassifier.start(peers.system(), 0, CLASSIFIER_LATENCY).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    sluice = Sluice.start(ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("sluice.database.url", TestDatabase.URL),
            Map.entry("sluice.database.user", TestDatabase.USER),
            Map.entry("sluice.database.password", TestDatabase.PASSWORD),
            Map.entry("sluice.pools.db.application-name", DB_APP),
            Map.entry("sluice.pools.db.idle-timeout", "2s"),
            Map.entry("sluice.pools.journal.application-name", JOURNAL_APP),
            Map.entry("sluice.pools.journal.idle-timeout", "2s"),
            Map.entry("sluice.http.port", "0"),
            Map.entry("sluice.http.admin-key", ADMIN_KEY),
            Map.entry("sluice.bootstrap.create-first-key", "false"),
            Map.entry("sluice.call-slots.capacity", "3"),
            Map.entry("sluice.call-slots.limit-control.initial-limit", "3"),
            Map.entry("sluice.call-slots.idle-timeout", "2s"),
            Map.entry("sluice.campaigns.retry-later", "1s"),
            Map.entry("sluice.provider.simulated.enabled", "false"),
            Map.entry("sluice.provider.url", provider.url()),
            Map.entry("sluice.provider.webhook-secret", secret),
            Map.entry("sluice.classifier.enabled", "true"),
            Map.entry("sluice.classifier.url", classifier.url()),
            Map.entry("sluice.email.transport", "smtp"),
            Map.entry("sluice.email.smtp.host", "127.0.0.1"),
            Map.entry("sluice.email.smtp.port", Integer.toString(greenMail.getSmtp().getPort())),
            Map.entry("sluice.email.smtp.starttls", "false"),
            Map.entry("sluice.email.spool-dir", data.resolve("spool").toString()),
            Map.entry("sluice.email.outbox-dir", data.resolve("outbox").toString()),
            Map.entry("sluice.webhooks.allow-addresses", "127.0.0.0/8")))
        .withFallback(ConfigFactory.load()));
    api = new CampaignApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    receiver = new WebhookReceiver(peers.system()).on(EVENTS_PATH, () -> complete(StatusCodes.OK));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sluice != null) {
      sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (provider != null) {
      provider.stop();
    }
    if (receiver != null) {
      receiver.close();
    }
    peers.shutdownTestKit();
    greenMail.stop();
  }

  private static final String EVENTS_PATH = "/campaign-events";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static WebhookReceiver receiver;

  @Test
  @Order(1)
  void aCampaignCompletesAndMailsExactlyItsHotLeadsOnce() throws Exception {
    String secret = api.send("POST", "/v1/webhooks/endpoints", Map.of("url", receiver.url(EVENTS_PATH),
        "eventTypes", List.of("campaign.completed", "call.completed", "lead.hot")), 201).path("secret").asText();
    JsonNode created = api.create(CampaignApi.daytimeCampaign(12, 3, OWNER));
    String campaignId = created.path("campaignId").asText();
    assertEquals("DRAFT", created.path("status").asText());
    api.start(campaignId);
    JsonNode done = api.awaitProgress(campaignId, p -> "COMPLETED".equals(p.path("status").asText()),
        Duration.ofSeconds(120));
    completedCampaign = campaignId;
    assertEquals(created.path("leadCount").asInt(), done.path("finalCount").asInt());
    assertEquals(0, done.path("inFlight").asInt());

    Set<String> hotInDatabase = hotLeads(campaignId);
    List<MimeMessage> emails = awaitEmailsTo(OWNER, Duration.ofSeconds(20));
    Thread.sleep(2_000);
    emails = emailsTo(OWNER);
    assertEquals(1, emails.size(), "summary emails to the owner");
    MimeMessage email = emails.get(0);
    assertEquals(hotInDatabase, csvLeadIds(attachment(email)), "the CSV attachment holds exactly the hot leads");

    HttpResponse<String> download = api.request("GET", "/v1/campaigns/" + campaignId + "/hot-leads.csv", null);
    assertEquals(200, download.statusCode());
    assertEquals(hotInDatabase, csvLeadIds(new java.io.ByteArrayInputStream(
        download.body().getBytes(StandardCharsets.UTF_8))));

    provider.keysByLeadAttempt().forEach((attempt, keys) -> assertEquals(1, keys.size(), attempt + ": " + keys));
    assertTrue(classifier.requests() > 0, "the classifier refined the answered calls");
    assertCampaignEventsDelivered(campaignId, done, hotInDatabase, secret);
  }

  /**
   * The campaign's own webhook events reached a subscribed receiver, signed: one {@code call.completed} per call
   * attempt, one {@code lead.hot} per hot lead, one {@code campaign.completed}.
   */
  private static void assertCampaignEventsDelivered(String campaignId, JsonNode done, Set<String> hotLeads,
      String secret) throws Exception {
    long calls = 0;
    for (JsonNode count : done.path("outcomes")) {
      calls += count.asLong();
    }
    long expected = calls + hotLeads.size() + 1;
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
    while (eventsOf(campaignId).size() < expected && java.time.Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    Map<String, List<JsonNode>> byType = new java.util.HashMap<>();
    StandardWebhooks verifier = new StandardWebhooks(secret);
    Set<String> messageIds = new java.util.HashSet<>();
    for (WebhookReceiver.Received request : receiver.received()) {
      JsonNode body = JSON.readTree(request.body());
      if (!campaignId.equals(body.path("data").path("campaignId").asText())) {
        continue;
      }
      verifier.verify(request.header("webhook-id"), request.header("webhook-timestamp"),
          request.header("webhook-signature"), request.body());
      assertTrue(messageIds.add(request.header("webhook-id")), "delivered once: " + request.body());
      byType.computeIfAbsent(body.path("type").asText(), type -> new ArrayList<>()).add(body.path("data"));
    }
    assertEquals(calls, byType.getOrDefault("call.completed", List.of()).size(), "call.completed per attempt");
    assertEquals(hotLeads, byType.getOrDefault("lead.hot", List.of()).stream()
        .map(data -> data.path("leadId").asText()).collect(java.util.stream.Collectors.toSet()), "lead.hot");
    List<JsonNode> completed = byType.getOrDefault("campaign.completed", List.of());
    assertEquals(1, completed.size(), "campaign.completed once");
    assertEquals(done.path("leadCount").asLong(), completed.get(0).path("leadCount").asLong());
  }

  private static List<WebhookReceiver.Received> eventsOf(String campaignId) {
    return receiver.received().stream().filter(request -> request.body().contains(campaignId)).toList();
  }

  @Test
  @Order(2)
  void callSlotsCapTheProviderAndItsRateLimitLowersTheLimitWithoutRevokingCalls() throws Exception {
    JsonNode pools = json.readTree(api.request("GET", "/v1/pools", null).body());
    JsonNode slots = pool(pools, "call-slots");
    assertTrue(slots.path("throttle").path("throttles").asLong() > 0, "the provider's 429s throttled: " + slots);
    assertEquals(0, slots.path("counters").path("revoked").asLong(), "a throttle never revokes a call");
    assertTrue(provider.maxInFlight() <= 3, "more calls in flight than call slots: " + provider.maxInFlight());
  }

  @Test
  @Order(3)
  void noDatabasePermitIsHeldWhileTheClassifierRuns() throws Exception {
    JsonNode db = pool(json.readTree(api.request("GET", "/v1/pools", null).body()), "db");
    long longestHold = db.path("holdMillis").path("max").asLong();
    assertTrue(db.path("holdMillis").path("count").asLong() > 0);
    assertTrue(longestHold < CLASSIFIER_LATENCY.toMillis(), "a database permit was held " + longestHold
        + " ms, as long as a classification takes (" + CLASSIFIER_LATENCY.toMillis() + " ms)");
  }

  @Test
  @Order(4)
  void theDoNotCallListIsCheckedAtDialTimeAndAnOwnerWhoOptedOutGetsNoEmail() throws Exception {
    JsonNode created = api.create(CampaignApi.daytimeCampaign(6, 2, QUIET_OWNER));
    String campaignId = created.path("campaignId").asText();
    String firstPhone = leadPhone(campaignId, 1);
    assertEquals(201, api.request("POST", "/v1/do-not-call", Map.of("phone", firstPhone, "reason", "asked")).statusCode());
    assertEquals(200, api.request("PUT", "/v1/notification-preferences/owner-1",
        Map.of("campaignSummaryEmail", false)).statusCode());
    api.start(campaignId);
    api.awaitProgress(campaignId, p -> "COMPLETED".equals(p.path("status").asText()), Duration.ofSeconds(120));

    assertEquals("DO_NOT_CALL", query("SELECT last_outcome FROM campaign_lead WHERE campaign_id = ? AND lead_id = 1",
        campaignId));
    assertTrue(provider.keysByLeadAttempt().keySet().stream()
        .noneMatch(attempt -> attempt.campaignId().equals(campaignId) && attempt.leadId().equals("1")),
        "the listed number was called");
    assertEquals("SKIPPED", awaitOutboxState(campaignId));
    assertEquals(List.of(), emailsTo(QUIET_OWNER), "the owner opted out");
    assertEquals(200, api.request("PUT", "/v1/notification-preferences/owner-1",
        Map.of("campaignSummaryEmail", true)).statusCode());
  }

  @Test
  @Order(5)
  void aCampaignPausesResumesAndCancelsOnlyWhereItsStatusAllows() throws Exception {
    String campaignId = api.create(CampaignApi.daytimeCampaign(6, 1, OWNER)).path("campaignId").asText();
    assertEquals(409, api.request("POST", "/v1/campaigns/" + campaignId + "/pause", null).statusCode(),
        "a draft cannot pause");
    api.start(campaignId);
    JsonNode paused = json.readTree(api.request("POST", "/v1/campaigns/" + campaignId + "/pause", null).body());
    assertEquals("PAUSED", paused.path("status").asText());
    JsonNode resumed = json.readTree(api.request("POST", "/v1/campaigns/" + campaignId + "/resume", null).body());
    assertEquals("RUNNING", resumed.path("status").asText());
    JsonNode cancelled = json.readTree(api.request("POST", "/v1/campaigns/" + campaignId + "/cancel", null).body());
    assertEquals("CANCELLED", cancelled.path("status").asText());
    HttpResponse<String> restart = api.request("POST", "/v1/campaigns/" + campaignId + "/start", Map.of());
    assertEquals(409, restart.statusCode());
    assertTrue(restart.body().contains("CANCELLED"), restart.body());
    Thread.sleep(3_000);
    assertEquals("CANCELLED", api.progress(campaignId).path("status").asText(), "a cancelled campaign stays so");
  }

  @Test
  @Order(6)
  void healthShowsTheSummaryEmailFlagAndOutbox() throws Exception {
    JsonNode email = json.readTree(api.request("GET", "/health", null).body()).path("email");
    assertTrue(email.path("campaignSummaryEnabled").asBoolean(), email.toString());
    assertEquals("smtp", email.path("transport").asText(), email.toString());
    assertTrue(email.path("outbox").path("sent").asLong() >= 1, email.toString());
    assertTrue(email.path("outbox").path("skipped").asLong() >= 1, email.toString());
  }

  @Test
  @Order(7)
  void badInputIsRefusedNamingTheFieldAndStoresNothing() throws Exception {
    Map<String, Object> campaign = new java.util.HashMap<>(CampaignApi.daytimeCampaign(3, 1, "o@example.com"));
    List<Map<String, Object>> leads = new ArrayList<>();
    leads.add(Map.of("name", "Bad", "phone", "+1555"));
    campaign.put("leads", leads);
    long before = campaigns();
    HttpResponse<String> invalid = api.request("POST", "/v1/campaigns", campaign);
    assertEquals(400, invalid.statusCode(), invalid.body());
    assertTrue(invalid.body().contains("leads[0].phone"), invalid.body());
    HttpResponse<String> malformed = api.request("POST", "/v1/campaigns", Map.of("name", List.of(1, 2)));
    assertEquals(400, malformed.statusCode(), malformed.body());
    assertTrue(malformed.body().contains("\"field\":\"name\""), malformed.body());
    assertEquals(before, campaigns(), "a refused campaign stored something");

    assertEquals(409, api.request("POST", "/v1/campaigns/" + completedCampaign + "/start", Map.of()).statusCode());
    CampaignApi stranger = new CampaignApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
    HttpResponse<String> foreign = stranger.request("GET", "/v1/campaigns/" + completedCampaign, null);
    assertEquals(404, foreign.statusCode());
    assertFalse(foreign.body().contains(OWNER), "another workspace saw the campaign: " + foreign.body());
    assertEquals(401, new CampaignApi(sluice.httpAddress().getPort()).request("GET", "/v1/campaigns", null)
        .statusCode());
  }

  @Test
  @Order(8)
  void afterTheIdleTimeoutNoBackendIsLeftAndNoPermitTimerRuns() throws Exception {
    Instant deadline = Instant.now().plusSeconds(45);
    int backends = Integer.MAX_VALUE;
    while (Instant.now().isBefore(deadline) && backends > 0) {
      Thread.sleep(500);
      backends = Integer.parseInt(query("SELECT count(*) FROM pg_stat_activity WHERE application_name IN (?, ?)",
          DB_APP, JOURNAL_APP));
    }
    assertEquals(0, backends, "backends still open after the idle timeout");
    // Reading /v1/pools takes no permit, so the supervisors stay idle; their timers end with the idle drain.
    JsonNode pools = json.readTree(api.request("GET", "/v1/pools", null).body());
    while (Instant.now().isBefore(deadline) && !pool(pools, "call-slots").path("drained").asBoolean()) {
      Thread.sleep(500);
      pools = json.readTree(api.request("GET", "/v1/pools", null).body());
    }
    assertTrue(pool(pools, "db").path("drained").asBoolean(), pools.toString());
    assertEquals(0, pool(pools, "db").path("activeTimers").size(), pools.toString());
    assertEquals(0, pool(pools, "call-slots").path("activeTimers").size(), pools.toString());
  }

  private static JsonNode pool(JsonNode pools, String name) {
    for (JsonNode pool : pools) {
      if (name.equals(pool.path("pool").asText())) {
        return pool;
      }
    }
    throw new AssertionError("no pool " + name + " in " + pools);
  }

  private static Set<String> hotLeads(String campaignId) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection observer = TestDatabase.observer(); PreparedStatement select = observer.prepareStatement(
        "SELECT lead_id FROM campaign_lead WHERE campaign_id = ? AND hot")) {
      select.setString(1, campaignId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(Long.toString(rows.getLong(1)));
        }
      }
    }
    return ids;
  }

  private static List<MimeMessage> emailsTo(String recipient) throws Exception {
    List<MimeMessage> to = new ArrayList<>();
    for (MimeMessage message : greenMail.getReceivedMessages()) {
      if (recipient.equals(message.getAllRecipients()[0].toString())) {
        to.add(message);
      }
    }
    return to;
  }

  private static List<MimeMessage> awaitEmailsTo(String recipient, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (emailsTo(recipient).isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    assertFalse(emailsTo(recipient).isEmpty(), "no summary email to " + recipient);
    return emailsTo(recipient);
  }

  private static InputStream attachment(MimeMessage email) throws Exception {
    Multipart parts = (Multipart) email.getContent();
    for (int i = 0; i < parts.getCount(); i++) {
      BodyPart part = parts.getBodyPart(i);
      if (part.getFileName() != null && part.getFileName().endsWith(".csv")) {
        return part.getInputStream();
      }
    }
    throw new AssertionError("no CSV attachment");
  }

  private static Set<String> csvLeadIds(InputStream csv) throws Exception {
    Set<String> ids = new HashSet<>();
    try (var reader = new InputStreamReader(csv, StandardCharsets.UTF_8)) {
      for (CSVRecord record : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
          .parse(reader)) {
        ids.add(record.get(0));
      }
    }
    return ids;
  }

  private static String leadPhone(String campaignId, long leadId) throws Exception {
    return query("SELECT phone FROM campaign_lead WHERE campaign_id = ? AND lead_id = " + leadId, campaignId);
  }

  private static long campaigns() throws Exception {
    return Long.parseLong(query("SELECT count(*) FROM campaign WHERE name = ?", "Test campaign"));
  }

  private static String awaitOutboxState(String campaignId) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    String state = null;
    while (state == null && Instant.now().isBefore(deadline)) {
      state = query("SELECT state FROM email_outbox WHERE campaign_id = ?", campaignId);
      Thread.sleep(200);
    }
    return state;
  }

  private static String query(String sql, String... parameters) throws Exception {
    try (Connection observer = TestDatabase.observer(); PreparedStatement select = observer.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setString(i + 1, parameters[i]);
      }
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }
}
