package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.DatabaseSettings;
import io.sluice.persistence.email.DueEmails;
import io.sluice.persistence.email.EmailOutbox;
import io.sluice.persistence.email.OutboxCounts;
import io.sluice.persistence.email.OutboxRow;
import io.sluice.persistence.email.OutboxState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The {@code email_outbox} SQL (migration V5) on both databases Sluice runs on: the primary key decides a claim, a
 * lost claim leaves the transaction usable, and only owed rows are resumed.
 */
class EmailOutboxTest {
  private static final String KIND = "campaign-summary";
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private static Connection h2() throws Exception {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Migrations.run(new DatabaseSettings(url, "sa", "", 2, true));
    return DriverManager.getConnection(url, "sa", "");
  }

  private static Connection postgres() throws Exception {
    Migrations.run(TestPostgres.database(true));
    return TestPostgres.observer();
  }

  private static OutboxRow pending(String campaignId) {
    return OutboxRow.pending(campaignId, KIND, "owner@example.com", "/spool/" + campaignId + ".eml", NOW);
  }

  @Test
  void theKeyDecidesAndRowsMoveThroughTheirStatesOnH2() throws Exception {
    try (Connection connection = h2()) {
      lifecycle(connection);
    }
  }

  @Test
  void theKeyDecidesAndRowsMoveThroughTheirStatesOnPostgres() throws Exception {
    try (Connection connection = postgres()) {
      connection.createStatement().executeUpdate("DELETE FROM email_outbox");
      lifecycle(connection);
    }
  }

  /** In a transaction, as the database facade runs work (a savepoint needs one). */
  private static void lifecycle(Connection connection) throws Exception {
    connection.setAutoCommit(false);
    String sent = "campaign-" + UUID.randomUUID();
    String failing = "campaign-" + UUID.randomUUID();
    String skipped = "campaign-" + UUID.randomUUID();
    assertTrue(EmailOutbox.claim(pending(sent)).run(connection));
    assertFalse(EmailOutbox.claim(pending(sent)).run(connection), "the second claim of a key loses");
    assertFalse(EmailOutbox.claim(OutboxRow.skipped(sent, KIND, "owner@example.com", "flag off", NOW))
        .run(connection), "whatever it would record");
    assertTrue(EmailOutbox.claim(pending(failing)).run(connection));
    assertTrue(EmailOutbox.claim(OutboxRow.skipped(skipped, KIND, "owner@example.com", "flag off", NOW))
        .run(connection));

    assertEquals(1, EmailOutbox.recordSent(sent, KIND, 1, NOW, null).run(connection));
    assertEquals(0, EmailOutbox.recordFailure(sent, KIND, 2, "late", NOW).run(connection), "SENT is final");
    Instant retryAt = NOW.plusSeconds(60);
    assertEquals(1, EmailOutbox.recordFailure(failing, KIND, 1, "relay down", retryAt).run(connection));

    OutboxRow row = EmailOutbox.find(failing, KIND).run(connection).orElseThrow();
    assertEquals(OutboxState.FAILED, row.state());
    assertEquals(1, row.attempts());
    assertEquals("relay down", row.lastError());
    assertEquals(retryAt, row.nextAttemptAt());
    assertEquals(NOW, row.createdAt());
    assertEquals(OutboxState.SENT, EmailOutbox.find(sent, KIND).run(connection).orElseThrow().state());
    assertEquals("flag off", EmailOutbox.find(skipped, KIND).run(connection).orElseThrow().skipReason());

    List<OutboxRow> owed = EmailOutbox.owed().run(connection);
    assertEquals(List.of(failing), owed.stream().map(OutboxRow::campaignId).toList());
    OutboxCounts counts = EmailOutbox.counts().run(connection);
    assertEquals(1L, counts.byState().get(OutboxState.SENT));
    assertEquals(1L, counts.byState().get(OutboxState.FAILED));
    assertEquals(1L, counts.byState().get(OutboxState.SKIPPED));
    assertEquals(0L, counts.byState().get(OutboxState.PENDING));
    assertEquals(NOW, counts.oldestOwedSince());

    // A tick's read: nothing due before the retry time, which it reports; the row once it is due.
    DueEmails early = EmailOutbox.due(retryAt.minusMillis(1), 10).run(connection);
    assertEquals(List.of(), early.due());
    assertEquals(retryAt, early.nextDue());
    DueEmails due = EmailOutbox.due(retryAt, 10).run(connection);
    assertEquals(List.of(failing), due.due().stream().map(OutboxRow::campaignId).toList());
    assertNull(due.nextDue());
    String second = "campaign-" + UUID.randomUUID();
    assertTrue(EmailOutbox.claim(pending(second)).run(connection));
    DueEmails limited = EmailOutbox.due(retryAt, 1).run(connection);
    assertEquals(List.of(second), limited.due().stream().map(OutboxRow::campaignId).toList(), "soonest first");
    assertEquals(retryAt, limited.nextDue(), "more due than the limit: due again now");
    assertEquals(1, EmailOutbox.recordSent(second, KIND, 1, NOW, null).run(connection));

    assertEquals(1, EmailOutbox.recordFailure(failing, KIND, 8, "gave up", null).run(connection));
    assertEquals(List.of(), EmailOutbox.owed().run(connection), "given up: not resumed");
    assertNull(EmailOutbox.counts().run(connection).oldestOwedSince());
    connection.commit();
  }

  @Test
  void aConcurrentClaimWaitsForTheFirstAndLosesWithItsTransactionIntact() throws Exception {
    String campaignId = "campaign-" + UUID.randomUUID();
    try (Connection first = postgres(); Connection second = TestPostgres.observer()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      assertTrue(EmailOutbox.claim(pending(campaignId)).run(first));
      CompletableFuture<Boolean> racing = CompletableFuture.supplyAsync(() -> {
        try {
          return EmailOutbox.claim(pending(campaignId)).run(second);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThrows(TimeoutException.class, () -> racing.get(300, TimeUnit.MILLISECONDS),
          "blocked on the key until the first commits");
      first.commit();
      assertFalse(racing.get(10, TimeUnit.SECONDS));
      // PostgreSQL aborts a transaction on any error; the savepoint keeps the loser's transaction usable.
      assertEquals(OutboxState.PENDING, EmailOutbox.find(campaignId, KIND).run(second).orElseThrow().state());
      second.commit();
    }
  }
}
