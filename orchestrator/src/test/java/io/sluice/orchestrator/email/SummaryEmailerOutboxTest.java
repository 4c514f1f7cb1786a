package io.sluice.orchestrator.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.DispatcherSelector;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import io.sluice.config.EmailSettings;
import io.sluice.persistence.email.EmailOutbox;
import io.sluice.persistence.email.OutboxRow;
import io.sluice.persistence.email.OutboxState;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox-folder transport, the feature flag and health, and resuming owed emails after a restart. */
class SummaryEmailerOutboxTest {
  private static ActorTestKit testKit;
  private static EmailFixture fixture;

  @TempDir
  Path folder;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("SummaryEmailerOutboxTest");
    fixture = new EmailFixture(testKit);
  }

  @AfterAll
  static void stop() {
    fixture.close();
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void emptyOutbox() throws Exception {
    fixture.clearOutbox();
  }

  private EmailSettings settings(boolean enabled) {
    return EmailFixture.settings(enabled, EmailSettings.Transport.OUTBOX, 25, folder, EmailFixture.fastRetry(3));
  }

  private SummaryEmailer emailer(boolean enabled) {
    return SummaryEmailer.create(settings(enabled), fixture.database, testKit.system());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private List<Path> outboxFiles() throws Exception {
    Path outbox = folder.resolve("outbox");
    if (!Files.exists(outbox)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(outbox)) {
      return files.toList();
    }
  }

  @Test
  void theOutboxTransportWritesAnEmlThatReadsBackAsTheMessage() throws Exception {
    String campaignId = EmailFixture.newCampaignId();
    SummaryEmailResult result = await(emailer(true).send(EmailFixture.summary(campaignId, "Folder", 7),
        Source.from(EmailFixture.leads(7)), true));
    assertEquals(SummaryEmailResult.Outcome.SENT, result.outcome());

    List<Path> files = outboxFiles();
    assertEquals(1, files.size(), files.toString());
    assertEquals(files.get(0).toString(), fixture.row(campaignId).emlPath(), "the row says where the message went");
    try (InputStream in = Files.newInputStream(files.get(0))) {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
      assertEquals("Campaign summary: Folder", message.getSubject());
      assertEquals(new InternetAddress(EmailFixture.FROM), message.getFrom()[0]);
      String text = (String) SummaryEmailerSmtpTest.part(message, "text/plain").getContent();
      assertTrue(text.contains("Hot: 7"), text);
      assertEquals("hot-leads-" + campaignId + ".csv", SummaryEmailerSmtpTest.part(message, "text/csv").getFileName());
    }
  }

  @Test
  void flagOffSendsNothingRecordsTheSkipAndHealthSaysDisabled() throws Exception {
    String campaignId = EmailFixture.newCampaignId();
    SummaryEmailer emailer = emailer(false);
    SummaryEmailResult result = await(emailer.send(EmailFixture.summary(campaignId, "Flagged", 4),
        EmailFixture.mustNotRun(), true));

    assertEquals(SummaryEmailResult.Outcome.SKIPPED, result.outcome());
    assertEquals(SummaryEmailer.FLAG_OFF, result.detail());
    assertEquals(OutboxState.SKIPPED, fixture.row(campaignId).state());
    assertEquals(SummaryEmailer.FLAG_OFF, fixture.row(campaignId).skipReason());
    assertEquals(List.of(), outboxFiles());

    EmailHealth health = await(emailer.health());
    assertFalse(health.campaignSummaryEnabled());
    assertEquals("outbox", health.transport());
    assertEquals(1L, health.outbox().get("skipped"));
    assertEquals(0L, health.outbox().get("sent"));
    assertNull(health.oldestOwedAgeSeconds());
  }

  @Test
  void anUnusableOwnerAddressIsRecordedAsFailedWithoutRetries() throws Exception {
    String campaignId = EmailFixture.newCampaignId();
    CampaignSummary summary = new CampaignSummary(campaignId, "No owner", "not an address", 1, 1, 1,
        Map.of());
    SummaryEmailResult result = await(emailer(true).send(summary, EmailFixture.mustNotRun(), true));

    assertEquals(SummaryEmailResult.Outcome.GAVE_UP, result.outcome());
    OutboxRow row = fixture.row(campaignId);
    assertEquals(OutboxState.FAILED, row.state());
    assertNull(row.nextAttemptAt(), "nothing to retry");
    assertTrue(row.lastError().contains("not an address"), row.lastError());
    assertEquals(0, await(emailer(true).resumePending()));
  }

  @Test
  void aRestartResumesEachOwedEmailOnceAndWaitsForItsDueTime() throws Exception {
    // The state a crash leaves: messages composed and claimed, one never attempted, one failed with a retry due.
    String pending = EmailFixture.newCampaignId();
    String failed = EmailFixture.newCampaignId();
    SummaryComposer composer = new SummaryComposer(folder.resolve("spool"), new InternetAddress(EmailFixture.FROM),
        Materializer.matFromSystem(testKit.system()),
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig(SummaryEmailer.EMAIL_DISPATCHER)),
        SummaryEmailer.EMAIL_DISPATCHER);
    Instant now = Instant.now();
    Instant due = now.plusSeconds(3);
    for (String campaignId : List.of(pending, failed)) {
      Path eml = await(composer.compose(EmailFixture.summary(campaignId, "Crashed", 3),
          new InternetAddress("owner@example.com"), Source.from(EmailFixture.leads(3))));
      OutboxRow row = campaignId.equals(pending)
          ? OutboxRow.pending(campaignId, SummaryEmailer.KIND, "owner@example.com", eml.toString(), now)
          : new OutboxRow(campaignId, SummaryEmailer.KIND, OutboxState.FAILED, 2, "relay down", null,
              due, "owner@example.com", now, null, eml.toString());
      assertTrue(await(fixture.database.withConnection(null, "test", "crash-state", EmailOutbox.claim(row))));
    }
    SummaryEmailer restarted = emailer(true);
    EmailHealth before = await(restarted.health());
    assertEquals(1L, before.outbox().get("pending"));
    assertEquals(1L, before.outbox().get("failed"));
    assertNotNull(before.oldestOwedAgeSeconds());

    assertEquals(2, await(restarted.resumePending()));
    OutboxRow firstSent = testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      OutboxRow row = fixture.row(pending);
      assertEquals(OutboxState.SENT, row.state());
      return row;
    });
    assertEquals(1, firstSent.attempts());
    OutboxRow retried = testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      OutboxRow row = fixture.row(failed);
      assertEquals(OutboxState.SENT, row.state());
      return row;
    });
    assertFalse(retried.sentAt().isBefore(due), "not before its due time: " + retried.sentAt() + " < " + due);
    assertEquals(3, retried.attempts(), "the attempts before the crash count");

    // A second start, and a replayed completion, find nothing owed.
    assertEquals(0, await(emailer(true).resumePending()));
    assertEquals(SummaryEmailResult.Outcome.ALREADY_RECORDED, await(restarted.send(
        EmailFixture.summary(pending, "Crashed", 3), EmailFixture.mustNotRun(), true)).outcome());
    assertEquals(2, outboxFiles().size(), "one message per campaign: " + outboxFiles());
    try (Stream<Path> spooled = Files.list(folder.resolve("spool"))) {
      assertEquals(0, spooled.count(), "spooled messages deleted once sent");
    }
  }

  @Test
  void backoffDoublesUpToTheCapWithBoundedJitter() {
    OutboxDelivery delivery = new OutboxDelivery(fixture.database, MailTransport.from(settings(true)),
        new EmailSettings.Retry(10, Duration.ofSeconds(1), Duration.ofSeconds(8), 0.5), Runnable::run,
        testKit.system(), Clock.systemUTC(), true);
    for (int i = 0; i < 50; i++) {
      assertBetween(delivery.backoff(1), 1_000, 1_500);
      assertBetween(delivery.backoff(3), 4_000, 6_000);
      assertBetween(delivery.backoff(9), 8_000, 12_000);
    }
  }

  private static void assertBetween(Duration actual, long minMillis, long maxMillis) {
    assertTrue(actual.toMillis() >= minMillis && actual.toMillis() <= maxMillis, actual.toString());
  }
}
