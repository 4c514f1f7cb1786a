package io.sluice.orchestrator.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.stream.javadsl.Source;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.sluice.config.EmailSettings;
import io.sluice.persistence.email.OutboxRow;
import io.sluice.persistence.email.OutboxState;
import io.sluice.protocols.campaign.HotLead;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PoolStats;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The summary email over real SMTP (GreenMail on loopback), with its outbox rows in real PostgreSQL. */
class SummaryEmailerSmtpTest {
  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  private static ActorTestKit testKit;
  private static EmailFixture fixture;

  @TempDir
  Path folder;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("SummaryEmailerSmtpTest");
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

  private SummaryEmailer emailer(int port, EmailSettings.Retry retry) {
    return SummaryEmailer.create(
        EmailFixture.settings(true, EmailSettings.Transport.SMTP, port, folder, retry), fixture.database,
        testKit.system());
  }

  private SummaryEmailer emailer() {
    return emailer(greenMail.getSmtp().getPort(), EmailFixture.fastRetry(3));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void twoConcurrentSendsDeliverOneMessageWithEveryHotLeadAttached() throws Exception {
    String campaignId = EmailFixture.newCampaignId();
    List<HotLead> leads = EmailFixture.leads(23);
    SummaryEmailer emailer = emailer();
    CampaignSummary summary = EmailFixture.summary(campaignId, "Spring promo", 23);

    CompletableFuture<SummaryEmailResult> first = emailer.send(summary, Source.from(leads), true).toCompletableFuture();
    CompletableFuture<SummaryEmailResult> second = emailer.send(summary, Source.from(leads), true).toCompletableFuture();
    Set<SummaryEmailResult.Outcome> outcomes = Set.of(await(first).outcome(), await(second).outcome());
    assertEquals(Set.of(SummaryEmailResult.Outcome.SENT, SummaryEmailResult.Outcome.ALREADY_RECORDED), outcomes);
    // A completion replayed later finds the row and never reads the leads.
    assertEquals(SummaryEmailResult.Outcome.ALREADY_RECORDED,
        await(emailer.send(summary, EmailFixture.mustNotRun(), true)).outcome());

    assertFalse(greenMail.waitForIncomingEmail(1_000, 2), "a second message arrived");
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(1, received.length);
    MimeMessage message = received[0];
    assertEquals("Campaign summary: Spring promo", message.getSubject());
    assertEquals("owner@example.com", message.getAllRecipients()[0].toString());

    Part csv = part(message, "text/csv");
    assertEquals("hot-leads-" + campaignId + ".csv", csv.getFileName());
    List<CSVRecord> rows;
    try (InputStream in = csv.getInputStream()) {
      rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
          .parse(new InputStreamReader(in, StandardCharsets.UTF_8)).getRecords();
    }
    assertEquals(23, rows.size());
    for (int i = 0; i < leads.size(); i++) {
      HotLead lead = leads.get(i);
      CSVRecord row = rows.get(i);
      assertEquals(List.of(String.valueOf(lead.leadId()), lead.name(), lead.phone(), String.valueOf(lead.score()),
          lead.classification() == null ? "" : lead.classification(), lead.summary()), row.toList());
    }

    String text = (String) part(message, "text/plain").getContent();
    String html = (String) part(message, "text/html").getContent();
    for (String body : List.of(text, html)) {
      List<Integer> shown = new ArrayList<>();
      for (HotLead lead : leads) {
        if (body.contains("Lead " + lead.leadId() + ",")) {
          shown.add((int) lead.leadId());
        }
      }
      assertEquals(List.of(1, 2, 3, 4, 5), shown, "the five best leads inline");
      assertTrue(body.indexOf("Lead 1,") < body.indexOf("Lead 2,") && body.indexOf("Lead 4,") < body.indexOf("Lead 5,"),
          "highest score first");
    }

    OutboxRow row = fixture.row(campaignId);
    assertEquals(OutboxState.SENT, row.state());
    assertEquals(1, row.attempts());
    assertNotNull(row.sentAt());
    try (var spooled = Files.list(folder.resolve("spool"))) {
      assertEquals(0, spooled.count(), "spooled message and CSV deleted, the loser's spool too");
    }
  }

  @Test
  void userDataIsHtmlEscaped() throws Exception {
    String campaignId = EmailFixture.newCampaignId();
    HotLead lead = new HotLead(1, "<b>Bob</b> & \"Alice\"", "+493012345678", 97, "<i>hot</i>",
        "<script>alert('x')</script>");
    CampaignSummary summary = EmailFixture.summary(campaignId, "<img src=x onerror=alert(1)>", 1);
    assertEquals(SummaryEmailResult.Outcome.SENT,
        await(emailer().send(summary, Source.single(lead), true)).outcome());

    String html = (String) part(greenMail.getReceivedMessages()[0], "text/html").getContent();
    assertFalse(html.contains("<b>Bob") || html.contains("<script>") || html.contains("<img") || html.contains("<i>"),
        html);
    assertTrue(html.contains("&lt;b&gt;Bob&lt;/b&gt; &amp; &quot;Alice&quot;"), html);
    assertTrue(html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), html);
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), html);
  }

  @Test
  void ownerPreferenceOffSendsNothingAndRecordsTheSkip() throws Exception {
    String campaignId = EmailFixture.newCampaignId();
    SummaryEmailResult result = await(emailer().send(EmailFixture.summary(campaignId, "Quiet", 3),
        EmailFixture.mustNotRun(), false));

    assertEquals(SummaryEmailResult.Outcome.SKIPPED, result.outcome());
    assertEquals(SummaryEmailer.PREFERENCE_OFF, result.detail());
    OutboxRow row = fixture.row(campaignId);
    assertEquals(OutboxState.SKIPPED, row.state());
    assertEquals(SummaryEmailer.PREFERENCE_OFF, row.skipReason());
    assertFalse(greenMail.waitForIncomingEmail(500, 1));
  }

  @Test
  void aRelayThatIsDownAtFirstIsRetriedWithTheFailureVisibleThenSent() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String campaignId = EmailFixture.newCampaignId();
    SummaryEmailer emailer = emailer(port, new EmailSettings.Retry(20, Duration.ofMillis(300), Duration.ofMillis(600),
        0.2));
    CompletableFuture<SummaryEmailResult> sending = emailer.send(EmailFixture.summary(campaignId, "Late relay", 2),
        Source.from(EmailFixture.leads(2)), true).toCompletableFuture();

    OutboxRow failing = testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
      OutboxRow row = fixture.row(campaignId);
      assertEquals(OutboxState.FAILED, row.state());
      assertTrue(row.attempts() >= 2, "attempts " + row.attempts());
      return row;
    });
    assertTrue(failing.lastError().contains("MailConnectException"), failing.lastError());
    assertNotNull(failing.nextAttemptAt(), "the next attempt is due at a recorded time");
    assertFalse(sending.isDone());

    GreenMail lateRelay = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    lateRelay.start();
    try {
      SummaryEmailResult result = sending.get(30, TimeUnit.SECONDS);
      assertEquals(SummaryEmailResult.Outcome.SENT, result.outcome());
      assertTrue(result.attempts() > failing.attempts(), result.toString());
      assertTrue(lateRelay.waitForIncomingEmail(5_000, 1));
      assertEquals(1, lateRelay.getReceivedMessages().length);
      OutboxRow sent = fixture.row(campaignId);
      assertEquals(OutboxState.SENT, sent.state());
      assertEquals(result.attempts(), sent.attempts());
    } finally {
      lateRelay.stop();
    }
  }

  @Test
  void aHangingRelayHoldsNoPermitAndTheLastFailedAttemptIsFinal() throws Exception {
    String campaignId = EmailFixture.newCampaignId();
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      EmailSettings base = EmailFixture.settings(true, EmailSettings.Transport.SMTP, silent.getLocalPort(), folder,
          EmailFixture.fastRetry(1));
      EmailSettings.Smtp smtp = new EmailSettings.Smtp("127.0.0.1", silent.getLocalPort(), "", "", false,
          Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(1500));
      SummaryEmailer emailer = SummaryEmailer.create(new EmailSettings(true, base.transport(), base.from(), smtp,
          base.outboxDir(), base.spoolDir(), base.retry()), fixture.database, testKit.system());
      CompletableFuture<SummaryEmailResult> sending = emailer.send(EmailFixture.summary(campaignId, "Hang", 1),
          Source.from(EmailFixture.leads(1)), true).toCompletableFuture();

      // The relay accepted the connection and says nothing: the attempt is waiting for its greeting.
      try (Socket connection = silent.accept()) {
        TestProbe<PoolStats> probe = testKit.createTestProbe();
        fixture.supervisor.tell(new GetPoolStats(probe.getRef()));
        assertEquals(0, probe.receiveMessage().granted(), "no permit is held while SMTP waits");
        SummaryEmailResult result = sending.get(30, TimeUnit.SECONDS);
        assertEquals(SummaryEmailResult.Outcome.GAVE_UP, result.outcome());
      }
    }
    OutboxRow row = fixture.row(campaignId);
    assertEquals(OutboxState.FAILED, row.state());
    assertEquals(1, row.attempts());
    assertTrue(row.lastError().contains("SocketTimeoutException"), row.lastError());
    assertNull(row.nextAttemptAt(), "retries used up: nothing is resumed");
  }

  /** The first part of {@code message} whose content type starts with {@code type}, searched depth first. */
  static Part part(Part message, String type) throws Exception {
    if (message.getContentType().toLowerCase().startsWith(type)) {
      return message;
    }
    if (message.getContent() instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        try {
          return part(child, type);
        } catch (AssertionError notHere) {
          // keep looking in the next part
        }
      }
    }
    throw new AssertionError("no " + type + " part");
  }
}
