package io.sluice.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.database.PermitRequest;
import io.sluice.orchestrator.database.PermitUnavailableException;
import io.sluice.protocols.permit.RejectReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the service while its one permit is held and another request waits, against the real PostgreSQL. The
 * supervisor must stop while the pool is still open: the waiter hears SHUTTING_DOWN at once (not TIMED_OUT after its
 * max wait) and the held connection's statement is cancelled, so no backend outlives the service.
 */
class SluiceShutdownTest {
  private static final String APPLICATION_NAME = "sluice-stop-" + UUID.randomUUID().toString().substring(0, 8);
  private static final Duration QUEUED_MAX_WAIT = Duration.ofSeconds(60);
  private static final Duration PROMPTLY = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Sluice sluice;

  private static Config onePermit() {
    return ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("sluice.database.url", TestDatabase.URL),
            Map.entry("sluice.database.user", TestDatabase.USER),
            Map.entry("sluice.database.password", TestDatabase.PASSWORD),
            Map.entry("sluice.pools.db.application-name", APPLICATION_NAME),
            Map.entry("sluice.pools.db.max-size", 1),
            Map.entry("sluice.pools.db.limit", 1),
            Map.entry("sluice.pools.db.max-long-lived", 0),
            Map.entry("sluice.pools.db.limit-control.min-limit", 1),
            Map.entry("sluice.pools.db.limit-control.initial-limit", 1),
            // One permit in all: scheduled runs may hold at most one (the start-up check refuses more).
            Map.entry("sluice.schedules.max-concurrent-runs", 1),
            // The instance's stop record queues behind the held permit too; keep its wait short.
            Map.entry("sluice.pools.db.default-max-wait", "1s"),
            Map.entry("sluice.http.port", 0)))
        .withFallback(ConfigFactory.load());
  }

  @AfterEach
  void stopIfStillRunning() throws Exception {
    if (sluice != null) {
      sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void stoppingAnswersTheWaiterShuttingDownAndLeavesNoBackend() throws Exception {
    // With one permit, work left in the shared database by other tests would take it at start-up.
    TestDatabase.retireLeftoverWork();
    sluice = Sluice.start(onePermit());
    CompletableFuture<Boolean> holding = sluice.database()
        .withConnection(PermitRequest.of(null, "test", "hold-the-permit"), SluiceShutdownTest::sleepLong)
        .toCompletableFuture();
    awaitTrue("the held permit's pg_sleep is running", () -> backends("active") == 1);
    CompletableFuture<Integer> queued = sluice.database()
        .withConnection(PermitRequest.of(null, "test", "queued").withMaxWait(QUEUED_MAX_WAIT), connection -> 1)
        .toCompletableFuture();
    awaitTrue("the second request waits", () -> waiting() == 1);

    long stopping = System.nanoTime();
    sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    sluice = null;

    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> queued.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS));
    Duration answeredAfter = Duration.ofNanos(System.nanoTime() - stopping);
    PermitUnavailableException unavailable = assertInstanceOf(PermitUnavailableException.class, refused.getCause());
    assertEquals(RejectReason.SHUTTING_DOWN, unavailable.reason(), unavailable.getMessage());
    assertTrue(answeredAfter.compareTo(PROMPTLY) < 0, "answered after " + answeredAfter);
    // The held lease was retired on the open pool: its statement was cancelled and its work failed at once.
    assertThrows(ExecutionException.class, () -> holding.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS));
    awaitTrue("no backend of " + APPLICATION_NAME + " is left", () -> backends(null) == 0);
  }

  private static Boolean sleepLong(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return statement.execute("SELECT pg_sleep(60)");
    }
  }

  /** The pool's waiting requests, from {@code GET /v1/pools}. */
  private int waiting() {
    try {
      URI uri = URI.create("http://127.0.0.1:" + sluice.httpAddress().getPort() + "/v1/pools");
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body()).get(0).get("waiting").asInt();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** This service's backends in {@code state}, or in any state. */
  private static int backends(String state) {
    try (Connection observer = TestDatabase.observer();
        PreparedStatement count = observer.prepareStatement("SELECT count(*) FROM pg_stat_activity"
            + " WHERE application_name = ? AND (CAST(? AS text) IS NULL OR state = ?)")) {
      count.setString(1, APPLICATION_NAME);
      count.setString(2, state);
      count.setString(3, state);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(20);
    }
  }
}
