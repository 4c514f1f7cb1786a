package io.sluice.orchestrator.email;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.stream.javadsl.Source;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.EmailSettings;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.Migrations;
import io.sluice.persistence.email.EmailOutbox;
import io.sluice.persistence.email.OutboxRow;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.HotLead;
import io.sluice.protocols.permit.PermitCommand;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real pieces the email tests run on: the PostgreSQL of {@code SLUICE_TEST_DB_URL} migrated to the current
 * schema, a governed pool with its supervisor and the database facade, and builders for settings and leads.
 */
final class EmailFixture implements AutoCloseable {
  static final String FROM = "Sluice <sluice@example.com>";

  final ActorTestKit testKit;
  final Database database;
  final ActorRef<PermitCommand> supervisor;
  private final HikariGovernedPool pool;

  EmailFixture(ActorTestKit testKit) {
    this.testKit = testKit;
    DatabaseSettings postgres = new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, 4,
        true);
    Migrations.run(postgres);
    SluiceSettings defaults = SluiceSettings.from(ConfigFactory.load());
    pool = HikariGovernedPool.open(postgres, defaults.dbPool());
    supervisor = testKit.spawn(PoolSupervisor.create(defaults.dbPool(), pool, defaults.dbLimit(), System::nanoTime));
    database = new Database(supervisor, pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), Duration.ofSeconds(10));
  }

  static EmailSettings settings(boolean enabled, EmailSettings.Transport transport, int smtpPort, Path folder,
      EmailSettings.Retry retry) {
    return new EmailSettings(enabled, transport, FROM,
        new EmailSettings.Smtp("127.0.0.1", smtpPort, "", "", false, Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(5)),
        folder.resolve("outbox").toString(), folder.resolve("spool").toString(), retry);
  }

  static EmailSettings.Retry fastRetry(int maxAttempts) {
    return new EmailSettings.Retry(maxAttempts, Duration.ofMillis(200), Duration.ofMillis(800), 0.2);
  }

  /** {@code count} hot leads, best first, with scores 99, 98, ... */
  static List<HotLead> leads(int count) {
    List<HotLead> leads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      leads.add(new HotLead(i + 1, "Lead " + (i + 1) + ", \"quoted\"", "+4930123456" + String.format("%02d", i),
          99 - i, i % 2 == 0 ? "interested" : null, "line one\nline two, with comma"));
    }
    return leads;
  }

  static CampaignSummary summary(String campaignId, String name, long hot) {
    return new CampaignSummary(campaignId, name, "owner@example.com", 100, 60, hot,
        Map.of(CallOutcome.ANSWERED, 60L, CallOutcome.NO_ANSWER, 30L, CallOutcome.BUSY, 10L));
  }

  static String newCampaignId() {
    return "campaign-" + UUID.randomUUID();
  }

  /** A source that fails the test if the emailer ever runs it. */
  static Source<HotLead, ?> mustNotRun() {
    return Source.failed(new AssertionError("the hot leads were read although nothing was to be sent"));
  }

  OutboxRow row(String campaignId) throws Exception {
    return database.withConnection(null, "test", "read-row", EmailOutbox.find(campaignId, SummaryEmailer.KIND))
        .toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
  }

  void clearOutbox() throws Exception {
    try (Connection connection = TestDatabase.observer()) {
      connection.createStatement().executeUpdate("DELETE FROM email_outbox");
    }
  }

  @Override
  public void close() {
    testKit.stop(supervisor);
    pool.close();
  }
}
