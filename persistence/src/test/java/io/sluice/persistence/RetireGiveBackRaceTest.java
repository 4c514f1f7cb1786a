package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The supervisor retires a lease (revocation, holder death) while the lease's user hands its connection back, on two
 * threads. Exactly one of them may own the connection: either it goes back into the pool and is not aborted, or it
 * is aborted and evicted. Run on the real PostgreSQL because the abort is a real socket close and a statement cancel.
 */
class RetireGiveBackRaceTest {
  private static final int ROUNDS = 1000;
  /**
   * One of the two calls starts up to this much later than the other (which one and by how much is drawn per round),
   * so the calls overlap in every order; a few microseconds is what each call takes.
   */
  private static final long MAX_OFFSET_NANOS = 10_000;

  /** One physical connection: a connection wrongly returned to the pool is handed to the very next lease. */
  private static PoolSettings onePhysicalConnection() {
    return new PoolSettings("db", "sluice-test-retire-race", 1, 1, 10, Duration.ofSeconds(5), Duration.ofSeconds(30),
        0, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  @Test
  void retireAndGiveBackAgreeOnWhoOwnsTheConnection() throws Exception {
    ExecutorService twoThreads = Executors.newFixedThreadPool(2);
    // The physical connections under HikariCP's proxies: a proxy is replaced on every borrow, the physical one is not.
    Set<Connection> aborted = Collections.newSetFromMap(new IdentityHashMap<>());
    int returnedToPool = 0;
    try (HikariGovernedPool pool = HikariGovernedPool.open(TestPostgres.database(false), onePhysicalConnection())) {
      for (long lease = 1; lease <= ROUNDS; lease++) {
        long leaseId = lease;
        pool.admit(leaseId);
        Connection connection = pool.connectionFor(leaseId);
        Connection physical = connection.unwrap(Connection.class);
        assertFalse(aborted.contains(physical), "lease-" + leaseId + " was handed an aborted connection");
        assertAnswers(connection);

        AtomicInteger started = new AtomicInteger();
        long offset = ThreadLocalRandom.current().nextLong(-MAX_OFFSET_NANOS, MAX_OFFSET_NANOS + 1);
        Future<Boolean> retire = twoThreads.submit(() -> {
          startTogether(started, Math.max(0, offset));
          return pool.retire(leaseId);
        });
        Future<?> giveBack = twoThreads.submit(() -> {
          startTogether(started, Math.max(0, -offset));
          pool.giveBack(leaseId, connection);
          return null;
        });
        giveBack.get();
        boolean retireAborted = retire.get();

        assertEquals(0, pool.doomedCount(), "lease-" + leaseId + " left its connection in the doomed set");
        if (retireAborted) {
          aborted.add(physical);
          awaitClosed(physical, leaseId);
        } else {
          returnedToPool++;
          assertFalse(physical.isClosed(), "lease-" + leaseId + ": retire aborted nothing, yet the connection closed");
        }
      }
      assertEquals(0, pool.physical().active(), "every connection handed back or evicted");
    } finally {
      twoThreads.shutdownNow();
    }
    // Both outcomes must have happened, or the rounds did not race.
    assertTrue(returnedToPool > 0 && !aborted.isEmpty(),
        "returned " + returnedToPool + ", aborted " + aborted.size() + " of " + ROUNDS);
  }

  /** Both threads arrive, then each spins its delay: neither parks, so the offset between them stays as drawn. */
  private static void startTogether(AtomicInteger started, long delayNanos) {
    started.incrementAndGet();
    while (started.get() < 2) {
      Thread.onSpinWait();
    }
    long until = System.nanoTime() + delayNanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static void assertAnswers(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet one = statement.executeQuery("SELECT 1")) {
      assertTrue(one.next());
    }
  }

  /** The abort runs on the pool's aborter thread, after retire has returned. */
  private static void awaitClosed(Connection physical, long leaseId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!physical.isClosed() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertTrue(physical.isClosed(), "retire of lease-" + leaseId + " said it aborted the connection, but it is open");
  }
}
