package io.sluice.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.DatabaseSettings;
import io.sluice.config.JournalPoolSettings;
import io.sluice.persistence.TestPostgres;
import io.sluice.protocols.journal.JournalPoolStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The journal pool on the real PostgreSQL, borrowed the way Slick borrows (getConnection, close): it counts borrows,
 * arms its drain only after the last return, and drains to zero backends after its idle timeout, which may be shorter
 * than HikariCP's 10 s minimum. Suspended, it closes its idle connections at once and a borrowed one when it is handed
 * back, refuses borrows at once with the reason, and works again once resumed.
 */
class JournalPoolTest {
  private static final Duration IDLE_TIMEOUT = Duration.ofMillis(1500);
  /** Far above the "at once" a suspended pool refuses a borrow in. */
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  /** Well below the idle timeout: what is closed this soon was closed by the suspension, not by the drain. */
  private static final Duration AT_ONCE = Duration.ofMillis(1000);

  private static JournalPoolSettings settings(String applicationName) {
    return new JournalPoolSettings("journal", applicationName, 3, IDLE_TIMEOUT, CONNECTION_TIMEOUT);
  }

  private static String uniqueName() {
    return "sluice-journal-t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static int backends(String applicationName) throws SQLException {
    try (Connection observer = TestPostgres.observer();
        PreparedStatement count = observer.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      count.setString(1, applicationName);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private static void select1(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT 1")) {
      assertTrue(row.next());
    }
  }

  private static void awaitTrue(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + within);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void opensWithNoConnectionAndDrainsToZeroBackendsAfterTheIdleTimeout() throws Exception {
    String applicationName = uniqueName();
    try (JournalPool pool = JournalPool.open(TestPostgres.database(false), settings(applicationName))) {
      awaitTrue("the start-up check's connection is closed", Duration.ofSeconds(5),
          () -> pool.physical().total() == 0);
      assertEquals(0, pool.borrows());

      Connection first = pool.dataSource().getConnection();
      Connection second = pool.dataSource().getConnection();
      select1(first);
      select1(second);
      assertEquals(2, backends(applicationName));
      first.close();
      JournalPoolStats oneOut = pool.stats();
      assertEquals(1, oneOut.borrowed());
      assertEquals(List.of(), oneOut.activeTimers(), "nothing is armed while a connection is out");
      long returnedAt = System.nanoTime();
      second.close();
      second.close(); // a second close is not a second return
      JournalPoolStats allBack = pool.stats();
      assertEquals(0, allBack.borrowed());
      assertEquals(2, allBack.borrows());
      assertEquals(List.of("idle-drain"), allBack.activeTimers());
      assertFalse(allBack.drained());
      assertEquals(2, backends(applicationName), "the connections stay pooled until the idle timeout");

      awaitTrue("the pool drains", Duration.ofSeconds(5), () -> pool.physical().total() == 0);
      assertTrue(System.nanoTime() - returnedAt >= IDLE_TIMEOUT.toNanos() - 50_000_000L,
          "not drained before the idle timeout");
      awaitTrue("no backend is left", Duration.ofSeconds(5), () -> {
        try {
          return backends(applicationName) == 0;
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      JournalPoolStats drained = pool.stats();
      assertTrue(drained.drained(), drained.toString());
      assertEquals(1, drained.idleDrains());
      assertEquals(List.of(), drained.activeTimers());
    }
  }

  @Test
  void aBorrowBeforeTheIdleTimeoutDisarmsTheDrain() throws Exception {
    try (JournalPool pool = JournalPool.open(TestPostgres.database(false), settings(uniqueName()))) {
      Connection connection = pool.dataSource().getConnection();
      connection.close();
      assertEquals(List.of("idle-drain"), pool.stats().activeTimers());
      Thread.sleep(IDLE_TIMEOUT.toMillis() / 2);
      Connection again = pool.dataSource().getConnection();
      Thread.sleep(IDLE_TIMEOUT.toMillis());
      select1(again);
      assertEquals(0, pool.stats().idleDrains(), "no drain while a connection is out");
      assertEquals(1, pool.physical().active());
      again.close();
      awaitTrue("the pool drains after the last return", Duration.ofSeconds(5), () -> pool.stats().drained());
      assertEquals(1, pool.stats().idleDrains());
    }
  }

  @Test
  void aFailedBorrowIsNotLeftCountedAsBorrowed() throws Exception {
    DatabaseSettings nobodyListens = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", "u", "p", 2, false);
    try (JournalPool pool = JournalPool.open(TestPostgres.database(false), settings(uniqueName()))) {
      Connection connection = pool.dataSource().getConnection();
      connection.close();
      assertThrows(SQLException.class, () -> pool.dataSource().getConnection("someone", "else"));
      assertEquals(0, pool.stats().borrowed());
    }
    assertThrows(RuntimeException.class, () -> JournalPool.open(nobodyListens, settings(uniqueName())),
        "the pool fails fast when the database cannot be reached");
  }

  @Test
  void suspendedItClosesIdleConnectionsAtOnceABorrowedOneWhenHandedBackAndRefusesBorrowsUntilResumed()
      throws Exception {
    String applicationName = uniqueName();
    try (JournalPool pool = JournalPool.open(TestPostgres.database(false), settings(applicationName))) {
      Connection idle = pool.dataSource().getConnection();
      Connection inUse = pool.dataSource().getConnection();
      select1(idle);
      select1(inUse);
      idle.close();
      assertEquals(2, backends(applicationName), "one idle, one borrowed");

      pool.suspend("node n1 reaches no more than half of the cluster's members");
      awaitBackends(applicationName, 1, AT_ONCE);
      assertEquals(1, pool.physical().total(), "the idle connection is closed, the borrowed one is not taken away");
      JournalPoolStats suspended = pool.stats();
      assertTrue(suspended.suspended());
      assertEquals("node n1 reaches no more than half of the cluster's members", suspended.suspendedReason());
      assertEquals(1, suspended.borrowed());

      long askedAt = System.nanoTime();
      SQLTransientConnectionException refused = assertThrows(SQLTransientConnectionException.class,
          () -> pool.dataSource().getConnection());
      assertTrue(System.nanoTime() - askedAt < AT_ONCE.toNanos(), "refused at once, not after the connection timeout");
      assertTrue(refused.getMessage().contains("suspended: node n1 reaches no more than half"), refused.getMessage());
      select1(inUse); // work in flight finishes on its connection

      inUse.close();
      awaitBackends(applicationName, 0, AT_ONCE);
      JournalPoolStats empty = pool.stats();
      assertEquals(0, empty.physical().total(), "the handed-back connection was closed, not kept");
      assertEquals(0, empty.borrowed());
      assertEquals(1, empty.refusedBorrows());
      assertEquals(2, empty.borrows(), "a refused borrow is not a borrow");
      assertEquals(List.of(), empty.activeTimers(), "nothing to drain while suspended");
      assertTrue(empty.drained(), empty.toString());

      pool.resume();
      Connection again = pool.dataSource().getConnection();
      select1(again);
      assertEquals(1, backends(applicationName));
      again.close();
      JournalPoolStats resumed = pool.stats();
      assertFalse(resumed.suspended());
      assertNull(resumed.suspendedReason());
      assertEquals(1, resumed.physical().total(), "once resumed a handed-back connection is kept again");
      assertEquals(List.of("idle-drain"), resumed.activeTimers(), "and the drain is armed again");
    }
  }

  private static void awaitBackends(String applicationName, int count, Duration within) throws InterruptedException {
    awaitTrue(count + " backend(s) left", within, () -> {
      try {
        return backends(applicationName) == count;
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
