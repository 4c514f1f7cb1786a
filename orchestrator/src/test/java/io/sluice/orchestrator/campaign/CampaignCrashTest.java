package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.it.ServiceProcess;
import io.sluice.orchestrator.provider.SimulatedProvider;
import io.sluice.orchestrator.signing.StandardWebhooks;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service as a separate JVM on the real PostgreSQL, killed with {@code kill -9} in the middle of a campaign and
 * started again: the campaign completes by itself, the provider (here, in the test's JVM, so that it outlives the
 * service and remembers every idempotency key) never saw one lead attempt under two keys, and the summary email
 * arrives exactly once.
 */
class CampaignCrashTest {
  private static final String ADMIN_KEY = "crash-test-admin-key-0123456789abcdef";
  /** Unique to the run: the shared test database may still owe emails of earlier runs, and the service sends them. */
  private static final String OWNER = "crash-" + java.util.UUID.randomUUID() + "@example.com";

  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  private static ActorTestKit testKit;
  private static SimulatedProvider provider;
  private static String secret;

  /** Under target/, not a temporary folder: the two services' logs stay for a failure's diagnosis. */
  private final Path data = Path.of("target", "crash-test-" + java.util.UUID.randomUUID());

  @BeforeAll
  static void startProvider() throws Exception {
    TestDatabase.retireLeftoverWork();
    testKit = ActorTestKit.create("CampaignCrashTest", ConfigFactory.parseString("akka.actor.provider = local"));
    secret = StandardWebhooks.generateSecret();
    provider = CrashTestProvider.start(testKit.system(), secret);
  }

  @AfterAll
  static void stopProvider() {
    provider.stop();
    testKit.shutdownTestKit();
  }

  @Test
  void aCampaignKilledMidwayCompletesAfterRestartWithNoSecondCallAndOneEmail() throws Exception {
    int port = ServiceProcess.freePort();
    Files.createDirectories(data);
    Map<String, String> env = ServiceProcess.baseEnvironment(port, ADMIN_KEY, data);
    env.put("SLUICE_PROVIDER_SIMULATED", "false");
    env.put("SLUICE_PROVIDER_URL", provider.url());
    env.put("SLUICE_PROVIDER_WEBHOOK_SECRET", secret);
    env.put("SLUICE_EMAIL_TRANSPORT", "smtp");
    env.put("SLUICE_EMAIL_SMTP_HOST", "127.0.0.1");
    env.put("SLUICE_EMAIL_SMTP_PORT", Integer.toString(greenMail.getSmtp().getPort()));
    env.put("SLUICE_EMAIL_SMTP_STARTTLS", "false");
    env.put("SLUICE_CAMPAIGN_LOG_LEVEL", "DEBUG");

    String campaignId;
    int leads;
    CampaignApi api = new CampaignApi(port);
    try (ServiceProcess first = ServiceProcess.start(env, data.resolve("first.log"), Duration.ofSeconds(120))) {
      api.inNewWorkspace(ADMIN_KEY);
      JsonNode created = api.create(CampaignApi.daytimeCampaign(24, 4, OWNER));
      campaignId = created.path("campaignId").asText();
      leads = created.path("leadCount").asInt();
      api.start(campaignId);
      JsonNode midway = api.awaitProgress(campaignId, progress -> progress.path("finalCount").asInt() >= 4,
          Duration.ofSeconds(90));
      first.kill();
      assertTrue(midway.path("finalCount").asInt() < leads, "killed too late to prove anything: " + midway);
    }
    assertTrue(leads >= 12, "the test needs a campaign of some size, got " + leads);

    try (ServiceProcess second = ServiceProcess.start(env, data.resolve("second.log"), Duration.ofSeconds(120))) {
      JsonNode done = api.awaitProgress(campaignId,
          progress -> "COMPLETED".equals(progress.path("status").asText()), Duration.ofSeconds(150));
      assertEquals(leads, done.path("finalCount").asInt());
      assertTrue(Files.readString(second.log()).contains("resumed 1 campaign(s)"),
          "the campaign did not resume from the start-up read; see " + second.log());

      Set<String> keys = new HashSet<>();
      provider.keysByLeadAttempt().forEach((attempt, keysOfAttempt) -> {
        if (attempt.campaignId().equals(campaignId)) {
          assertEquals(1, keysOfAttempt.size(), attempt + " was placed under " + keysOfAttempt);
          assertTrue(keys.addAll(keysOfAttempt), "a key served two lead attempts: " + keysOfAttempt);
        }
      });
      assertTrue(keys.size() >= leads, "every lead was called at least once");

      java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
      while (emailsToOwner() == 0 && java.time.Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      Thread.sleep(3_000);
      assertEquals(1, emailsToOwner(), "summary emails to the owner");
    }
  }

  private static long emailsToOwner() throws Exception {
    long count = 0;
    for (MimeMessage message : greenMail.getReceivedMessages()) {
      if (OWNER.equals(message.getAllRecipients()[0].toString())) {
        count++;
      }
    }
    return count;
  }
}
