package io.sluice.orchestrator.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Source;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.sluice.config.EmailSettings;
import io.sluice.orchestrator.background.BackgroundStatus;
import io.sluice.orchestrator.background.DueWorkReport;
import io.sluice.persistence.email.OutboxRow;
import io.sluice.persistence.email.OutboxState;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owed emails' retry without timers (serverless mode, or {@code email-retry} switched off), on the real
 * PostgreSQL and a real SMTP relay that is down at first: the failed attempt is written with its due time and the
 * send answers {@code OWED} at once; nothing is retried in the process however long one waits; a tick's
 * {@link EmailRetries#runDue} attempts the row once it is due (and not before), and reports the next due time. With
 * timers (standalone) the same failure holds one retry timer, counted in the status.
 */
class EmailRetriesOnPostgresTest {
  private static final EmailSettings.Retry RETRY = new EmailSettings.Retry(5, Duration.ofMillis(600),
      Duration.ofMillis(600), 0.0);

  @TempDir
  Path folder;
  private static ActorTestKit testKit;
  private static EmailFixture fixture;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("EmailRetriesOnPostgresTest");
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

  @Test
  void withoutTimersAFailedSendIsOwedAndATickRetriesItWhenDue() throws Exception {
    int port = freePort();
    SummaryEmailer emailer = SummaryEmailer.create(
        EmailFixture.settings(true, EmailSettings.Transport.SMTP, port, folder, RETRY), fixture.database,
        testKit.system(), java.time.Clock.systemUTC(), false);
    EmailRetries retries = emailer.retries(true);
    String campaignId = EmailFixture.newCampaignId();

    SummaryEmailResult first = await(emailer.send(EmailFixture.summary(campaignId, "Relay down", 2),
        Source.from(EmailFixture.leads(2)), true));
    assertEquals(SummaryEmailResult.Outcome.OWED, first.outcome(), first.toString());
    OutboxRow failed = fixture.row(campaignId);
    assertEquals(OutboxState.FAILED, failed.state());
    assertEquals(1, failed.attempts());
    assertNotNull(failed.nextAttemptAt());
    assertEquals(0, status(retries).timers(), "no timer waits for the retry");
    assertEquals(0, await(emailer.resumePending()), "start-up leaves owed emails to the tick");

    // Not yet due: the tick attempts nothing and reports when it is.
    DueWorkReport early = await(retries.runDue(failed.nextAttemptAt().minusMillis(1)));
    assertEquals(0, early.ran());
    assertEquals(failed.nextAttemptAt(), early.nextDue());

    // Long past the due time: still one attempt, nothing retried in the process.
    Thread.sleep(RETRY.maxBackoff().toMillis() * 3);
    assertEquals(1, fixture.row(campaignId).attempts());

    GreenMail relay = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    relay.start();
    try {
      Instant now = Instant.now();
      DueWorkReport ticked = await(retries.runDue(now));
      assertEquals(1, ticked.ran());
      assertNull(ticked.nextDue());
      assertTrue(relay.waitForIncomingEmail(10_000, 1), "the tick's retry reached the relay");
      OutboxRow sent = testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
        OutboxRow row = fixture.row(campaignId);
        assertEquals(OutboxState.SENT, row.state());
        return row;
      });
      assertEquals(2, sent.attempts());
      BackgroundStatus status = status(retries);
      assertEquals(now, status.lastRun());
      assertEquals(0, await(retries.runDue(Instant.now())).ran(), "a sent email is not due again");
      assertFalse(relay.waitForIncomingEmail(500, 2), "sent twice");
    } finally {
      relay.stop();
    }
  }

  @Test
  void aSwitchedOffRetryRunsNothingOnATick() throws Exception {
    int port = freePort();
    SummaryEmailer emailer = SummaryEmailer.create(
        EmailFixture.settings(true, EmailSettings.Transport.SMTP, port, folder, RETRY), fixture.database,
        testKit.system(), java.time.Clock.systemUTC(), false);
    EmailRetries retries = emailer.retries(false);
    String campaignId = EmailFixture.newCampaignId();
    assertEquals(SummaryEmailResult.Outcome.OWED, await(emailer.send(EmailFixture.summary(campaignId, "Off", 1),
        Source.from(EmailFixture.leads(1)), true)).outcome());
    Thread.sleep(RETRY.maxBackoff().toMillis() * 2);

    DueWorkReport ticked = await(retries.runDue(Instant.now()));
    assertEquals(0, ticked.ran());
    assertFalse(status(retries).enabled());
    Thread.sleep(500);
    assertEquals(1, fixture.row(campaignId).attempts(), "a switched-off service attempted the email");
  }

  @Test
  void withTimersAFailedSendHoldsOneRetryTimer() throws Exception {
    int port = freePort();
    SummaryEmailer emailer = SummaryEmailer.create(
        EmailFixture.settings(true, EmailSettings.Transport.SMTP, port, folder,
            new EmailSettings.Retry(2, Duration.ofSeconds(3), Duration.ofSeconds(3), 0.0)), fixture.database,
        testKit.system(), java.time.Clock.systemUTC(), true);
    EmailRetries retries = emailer.retries(true);
    String campaignId = EmailFixture.newCampaignId();
    CompletionStage<SummaryEmailResult> sending = emailer.send(EmailFixture.summary(campaignId, "Timer", 1),
        Source.from(EmailFixture.leads(1)), true);

    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(1, status(retries).timers());
      return null;
    });
    assertEquals(SummaryEmailResult.Outcome.GAVE_UP, await(sending).outcome());
    assertEquals(0, status(retries).timers());
  }

  private static BackgroundStatus status(EmailRetries retries) {
    try {
      return await(retries.status());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
