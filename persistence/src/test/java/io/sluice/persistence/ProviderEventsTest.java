package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.DatabaseSettings;
import io.sluice.persistence.provider.ProviderEventRow;
import io.sluice.persistence.provider.ProviderEvents;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider_event inbox (V6) on both databases Sluice supports: PostgreSQL and embedded H2. */
class ProviderEventsTest {
  private static final String H2 = "jdbc:h2:mem:provider-events;DB_CLOSE_DELAY=-1";

  private static DatabaseSettings database(String which) {
    return "h2".equals(which)
        ? new DatabaseSettings(H2, "sa", "", 2, true)
        : TestPostgres.database(true);
  }

  private static <T> T inTransaction(DatabaseSettings database, JdbcWork<T> work) throws SQLException {
    try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password())) {
      connection.setAutoCommit(false);
      T result = work.run(connection);
      connection.commit();
      return result;
    }
  }

  private static ProviderEventRow row(String eventId, Instant receivedAt) {
    return new ProviderEventRow(eventId, "call-1", "c-1", "lead-1", 1, "ANSWERED", "{\"eventId\":\"" + eventId + "\"}",
        receivedAt);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void storesOnceMarksProcessedAndListsTheRest(String which) throws SQLException {
    DatabaseSettings database = database(which);
    Migrations.run(database);
    inTransaction(database, connection -> {
      try (Statement statement = connection.createStatement()) {
        return statement.executeUpdate("DELETE FROM provider_event");
      }
    });
    String first = "evt-" + UUID.randomUUID();
    String second = "evt-" + UUID.randomUUID();
    Instant earlier = Instant.parse("2026-01-01T10:00:00Z");

    assertTrue((boolean) inTransaction(database, ProviderEvents.recordIfNew(row(first, earlier))));
    // The duplicate is refused inside the same transaction as a later write, which must still commit.
    assertFalse((boolean) inTransaction(database, connection -> {
      boolean stored = ProviderEvents.recordIfNew(row(first, earlier)).run(connection);
      ProviderEvents.recordIfNew(row(second, earlier.plusSeconds(1))).run(connection);
      return stored;
    }));

    List<ProviderEventRow> unprocessed = inTransaction(database, ProviderEvents.unprocessed(10));
    assertEquals(List.of(row(first, earlier), row(second, earlier.plusSeconds(1))), unprocessed);
    assertEquals(1, inTransaction(database, ProviderEvents.unprocessed(1)).size());

    assertEquals(1, inTransaction(database, ProviderEvents.markProcessed(List.of(first), Instant.now())));
    assertEquals(0, inTransaction(database, ProviderEvents.markProcessed(List.of(first), Instant.now())));
    assertEquals(List.of(row(second, earlier.plusSeconds(1))), inTransaction(database, ProviderEvents.unprocessed(10)));
    assertEquals(1, inTransaction(database, ProviderEvents.markProcessed(List.of(first, second, "evt-unknown"),
        Instant.now())), "one batch stamps what is still unprocessed");
    assertEquals(List.of(), inTransaction(database, ProviderEvents.unprocessed(10)));
  }
}
