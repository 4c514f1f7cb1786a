package io.sluice.orchestrator.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.JournalTestKit;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.protocols.journal.JournalPoolStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sharded event-sourced entity on the real PostgreSQL, through the journal pool Sluice owns: its events survive the
 * actor system, and once it is idle the pool holds no connection and nothing borrows one. While the pool is suspended
 * (a node on the minority side of a partition) a persist fails and the entity stops, as Akka Persistence does by
 * default; once the pool is resumed, the next message starts it again from the journal.
 *
 * <p>The idle timeout is 2 s here. The drain is Sluice's own one-shot timer, so it may be shorter than the 10 s
 * HikariCP accepts for its own idle eviction (which stays at 10 s as a backstop); 2 s keeps the test short while
 * leaving room for the 0.6–1 s the first persist takes.
 */
class JournalOnPostgresTest {
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  /** How long the idle service is watched for a borrow. */
  private static final Duration IDLE_WATCH = Duration.ofSeconds(5);

  private static JournalTestKit journal;

  @BeforeAll
  static void start() throws Exception {
    journal = JournalTestKit.create("JournalOnPostgresTest",
        ConfigFactory.parseString("sluice.pools.journal.idle-timeout = " + IDLE_TIMEOUT.toMillis() + "ms"));
    journal.start();
    TestCounter.init(system());
  }

  @AfterAll
  static void stop() {
    journal.close();
  }

  private static ActorSystem<?> system() {
    return journal.testKit().system();
  }

  private static String newEntityId() {
    return "c-" + UUID.randomUUID();
  }

  @Test
  void aNewActorSystemRecoversWhatTheEntityPersisted() throws Exception {
    String id = newEntityId();
    assertEquals(3, TestCounter.add(system(), id, 3));
    assertEquals(7, TestCounter.add(system(), id, 4));
    assertEquals(2, journalRows("TestCounter|" + id), "one event per addition, in the journal table");

    journal.stop();
    // The pool closes once the system has terminated, before stop() returns; the await covers PostgreSQL's own lag.
    awaitTrue("the stopped system's journal pool has closed its connections", Duration.ofSeconds(5),
        () -> TestDatabase.backends(journal.applicationName()) == 0);
    journal.start();
    TestCounter.init(system());

    assertEquals(7, TestCounter.total(system(), id), "replayed from the journal");
    assertEquals(8, TestCounter.add(system(), id, 1), "and goes on from there");
    assertEquals(3, journalRows("TestCounter|" + id));
  }

  @Test
  void theSystemIsAnUpOneNodeClusterThatSerializesEveryMessage() {
    Cluster cluster = Cluster.get(system());
    assertEquals(MemberStatus.up(), cluster.selfMember().status());
    assertEquals(1, cluster.state().getMembers().spliterator().getExactSizeIfKnown());
    assertTrue(system().settings().config().getBoolean("akka.actor.serialize-messages"));
  }

  @Test
  void theJournalPoolDrainsToZeroBackendsAndNothingBorrowsWhileIdle() throws Exception {
    JournalPool pool = journal.journalPool();
    String id = newEntityId();
    assertEquals(5, TestCounter.add(system(), id, 5));
    assertTrue(pool.borrows() > 0, "the persist borrowed through the pool");

    awaitTrue("the journal pool drains", IDLE_TIMEOUT.plusSeconds(10), () -> pool.stats().drained());
    awaitTrue("no backend has the journal's application_name", Duration.ofSeconds(5),
        () -> TestDatabase.backends(journal.applicationName()) == 0);

    // Idle: the entity is still in memory, the node still in its cluster, and yet nobody asks the database anything.
    long borrowsWhenIdle = pool.borrows();
    Thread.sleep(IDLE_WATCH.toMillis());
    JournalPoolStats idle = pool.stats();
    assertEquals(borrowsWhenIdle, idle.borrows(), "no borrow in " + IDLE_WATCH + " of idleness");
    assertEquals(0, idle.physical().total());
    assertEquals(List.of(), idle.activeTimers(), "no timer armed while drained");
    assertTrue(idle.drained());
    assertEquals(0, TestDatabase.backends(journal.applicationName()));

    assertEquals(5, TestCounter.total(system(), id));
    assertEquals(borrowsWhenIdle, pool.borrows(), "an entity in memory answers without the journal");
    assertEquals(6, TestCounter.add(system(), id, 1));
    assertTrue(pool.borrows() > borrowsWhenIdle, "a persist borrows again, so the count above could have moved");
  }

  @Test
  void aPersistWhileThePoolIsSuspendedStopsTheEntityAndTheNextMessageStartsItAgainOnceResumed() throws Exception {
    JournalPool pool = journal.journalPool();
    String id = newEntityId();
    assertEquals(2, TestCounter.add(system(), id, 2));

    pool.suspend("a test partition");
    try {
      long refusedBefore = pool.stats().refusedBorrows();
      assertThrows(ExecutionException.class, () -> TestCounter.add(system(), id, 3, Duration.ofSeconds(1)),
          "no answer: the persist failed");
      assertTrue(pool.stats().refusedBorrows() > refusedBefore, "the write was refused by the suspended pool");
    } finally {
      pool.resume();
    }

    long borrowsBefore = pool.borrows();
    assertEquals(2, TestCounter.total(system(), id), "the failed event was never written");
    assertTrue(pool.borrows() > borrowsBefore, "the entity had stopped: its answer took a recovery from the journal");
    assertEquals(3, TestCounter.add(system(), id, 1));
    assertEquals(2, journalRows("TestCounter|" + id));
  }

  private static int journalRows(String persistenceId) throws SQLException {
    return count("SELECT count(*) FROM event_journal WHERE persistence_id = ?", persistenceId);
  }

  private static int count(String sql, String parameter) throws SQLException {
    try (Connection observer = TestDatabase.observer(); PreparedStatement query = observer.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private static void awaitTrue(String what, Duration within, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + within);
      }
      Thread.sleep(100);
    }
  }
}
