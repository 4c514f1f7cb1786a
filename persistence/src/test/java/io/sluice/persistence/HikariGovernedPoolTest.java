package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.DatabaseSettings;
import io.sluice.config.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The governed pool: the lease door in front of its connections, and a schema it leaves to {@link Migrations}. */
class HikariGovernedPoolTest {
  private static PoolSettings settings(String applicationName) {
    return new PoolSettings("db", applicationName, 2, 2, 10, Duration.ofSeconds(5), Duration.ofSeconds(30), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  private static HikariGovernedPool h2() {
    return h2(false);
  }

  private static HikariGovernedPool h2(boolean migrateOnStart) {
    return HikariGovernedPool.open(new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", 2, migrateOnStart), settings("sluice-test"));
  }

  @Test
  void openingThePoolLeavesTheSchemaAlone() throws SQLException {
    // migrate-on-start is for start-up (Migrations), not for the pool.
    try (HikariGovernedPool pool = h2(true)) {
      pool.admit(1);
      Connection connection = pool.connectionFor(1);
      try (Statement statement = connection.createStatement();
          ResultSet tables = statement.executeQuery("SELECT count(*) FROM information_schema.tables"
              + " WHERE lower(table_name) IN ('sluice_instance', 'flyway_schema_history')")) {
        tables.next();
        assertEquals(0, tables.getInt(1));
      } finally {
        pool.giveBack(1, connection);
        pool.retire(1);
      }
    }
  }

  @Test
  void aConnectionNeedsAnAdmittedLease() {
    try (HikariGovernedPool pool = h2()) {
      LeaseNotAdmittedException never = assertThrows(LeaseNotAdmittedException.class, () -> pool.connectionFor(7));
      assertTrue(never.getMessage().contains("lease-7 was not granted"), never.getMessage());
      pool.admit(7);
      pool.retire(7);
      assertThrows(LeaseNotAdmittedException.class, () -> pool.connectionFor(7));
    }
  }

  @Test
  void aLeaseKeepsOneConnectionUntilHandedBack() throws SQLException {
    try (HikariGovernedPool pool = h2()) {
      pool.admit(1);
      Connection first = pool.connectionFor(1);
      assertSame(first, pool.connectionFor(1));
      assertEquals(1, pool.physical().active());
      pool.giveBack(1, first);
      assertEquals(0, pool.physical().active());
      assertEquals(1, pool.physical().idle());
      assertFalse(pool.retire(1), "nothing left to abort");
      pool.evictIdle();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (pool.physical().total() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(0, pool.physical().total());
    }
  }

  @Test
  void retiringALeaseWithAConnectionOutAbortsItAndItIsNeverReused() throws Exception {
    try (HikariGovernedPool pool = h2()) {
      pool.admit(1);
      Connection doomed = pool.connectionFor(1);
      assertTrue(pool.retire(1));
      assertFalse(pool.isAdmitted(1));
      pool.giveBack(1, doomed);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!doomed.isClosed() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(0, pool.physical().total(), "the retired connection left the pool");
      pool.admit(2);
      Connection next = pool.connectionFor(2);
      try (Statement statement = next.createStatement(); ResultSet one = statement.executeQuery("SELECT 1")) {
        assertTrue(one.next());
      }
      pool.giveBack(2, next);
    }
  }

  /** A node's share of a cluster budget shrinks the pool: idle connections close now, busy ones when handed back. */
  @Test
  void resizingShrinksThePhysicalPoolAndGrowsItBack() throws SQLException {
    try (HikariGovernedPool pool = h2()) {
      pool.admit(1);
      pool.admit(2);
      Connection busy = pool.connectionFor(1);
      Connection idle = pool.connectionFor(2);
      pool.giveBack(2, idle);
      assertEquals(2, pool.physical().total());
      pool.resize(1);
      assertEquals(1, pool.maxSize());
      awaitTotal(pool, 1);
      assertEquals(1, pool.physical().active(), "the busy connection stays with its lease");
      pool.giveBack(1, busy);
      assertTrue(pool.physical().total() <= 1, "within the share after the hand-back too");
      pool.resize(2);
      assertEquals(2, pool.maxSize());
      pool.admit(3);
      pool.admit(4);
      pool.connectionFor(3);
      pool.connectionFor(4);
      assertEquals(2, pool.physical().total(), "grown back to two");
      pool.resize(0);
      assertEquals(0, pool.maxSize(), "closed: nothing may be granted");
      pool.giveBack(3, pool.connectionFor(3));
      pool.giveBack(4, pool.connectionFor(4));
      awaitTotal(pool, 0);
      pool.resize(2);
      assertEquals(2, pool.maxSize(), "open again");
      assertThrows(IllegalArgumentException.class, () -> pool.resize(-1));
    }
  }

  @Test
  void readsWhetherPostgresRunsAutovacuum() throws SQLException {
    try (Connection observer = TestPostgres.observer(); Statement statement = observer.createStatement();
        ResultSet row = statement.executeQuery("SHOW autovacuum")) {
      row.next();
      assertEquals("on".equals(row.getString(1)), ServerSettings.autovacuum().run(observer));
    }
  }

  private static void awaitTotal(HikariGovernedPool pool, int total) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (pool.physical().total() > total && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(total, pool.physical().total());
  }
}
