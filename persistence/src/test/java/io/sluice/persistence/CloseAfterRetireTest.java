package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.PoolSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Shutdown retires every lease and closes the pool right after. The statements of the retired connections must still
 * be cancelled, or PostgreSQL keeps their backends running until the statements end, long after the service has gone.
 */
class CloseAfterRetireTest {
  private static final int LEASES = 6;
  private final String applicationName = "sluice-test-close-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void statementsRetiredJustBeforeCloseAreCancelled() throws Exception {
    PoolSettings settings = new PoolSettings("db", applicationName, LEASES, LEASES, 10, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 0, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
    ExecutorService sleepers = Executors.newFixedThreadPool(LEASES);
    HikariGovernedPool pool = HikariGovernedPool.open(TestPostgres.database(false), settings);
    try {
      List<CompletableFuture<Void>> sleeping = new ArrayList<>();
      for (long lease = 1; lease <= LEASES; lease++) {
        pool.admit(lease);
        Connection connection = pool.connectionFor(lease);
        sleeping.add(CompletableFuture.runAsync(() -> sleep(connection), sleepers));
      }
      awaitBackends("active", LEASES);

      for (long lease = 1; lease <= LEASES; lease++) {
        assertTrue(pool.retire(lease));
      }
      pool.close();

      awaitBackends(null, 0);
      CompletableFuture.allOf(sleeping.toArray(CompletableFuture[]::new)).get();
    } finally {
      sleepers.shutdownNow();
    }
  }

  private static void sleep(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_sleep(60)");
    } catch (SQLException expected) {
      // cancelled or aborted
    }
  }

  /** Waits up to 5 s for this pool's backends (in {@code state}, or in any) to number {@code expected}. */
  private void awaitBackends(String state, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int backends = backends(state);
    while (backends != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      backends = backends(state);
    }
    assertEquals(expected, backends, "backends of " + applicationName + (state == null ? "" : " in state " + state));
  }

  private int backends(String state) throws SQLException {
    try (Connection observer = TestPostgres.observer();
        PreparedStatement count = observer.prepareStatement("SELECT count(*) FROM pg_stat_activity"
            + " WHERE application_name = ? AND (CAST(? AS text) IS NULL OR state = ?)")) {
      count.setString(1, applicationName);
      count.setString(2, state);
      count.setString(3, state);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }
}
