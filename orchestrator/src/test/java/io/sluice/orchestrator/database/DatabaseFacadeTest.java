package io.sluice.orchestrator.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.pool.LimitAlgorithm;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseId;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Rejected;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The facade's own contract, over a real HikariCP pool on an in-memory H2 database: what it checks before it asks,
 * and what it reports to the limit when the work never got a connection.
 */
class DatabaseFacadeTest {
  private static ActorTestKit testKit;

  private HikariGovernedPool pool;
  private ActorRef<PermitCommand> supervisor;
  private Database database;
  private final RecordingLimit limit = new RecordingLimit();

  /** A fixed limit of 2 that records every completion the supervisor reports to it. */
  private static final class RecordingLimit implements LimitAlgorithm {
    final List<Long> completionLatencies = new CopyOnWriteArrayList<>();
    final List<Boolean> completionFailures = new CopyOnWriteArrayList<>();

    @Override
    public int limit() {
      return 2;
    }

    @Override
    public boolean adaptive() {
      return false;
    }

    @Override
    public void completed(long nowNanos, long busyNanos, boolean failed, int waiting) {
      completionLatencies.add(busyNanos);
      completionFailures.add(failed);
    }
  }

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create("DatabaseFacadeTest");
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stop() {
    testKit.stop(supervisor);
    pool.close();
  }

  private void open(String url) {
    PoolSettings settings = new PoolSettings("db", "sluice-test", 2, 2, 100, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 1, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(250));
    pool = HikariGovernedPool.open(new DatabaseSettings(url, "sa", "", 2, false), settings);
    supervisor = testKit.spawn(PoolSupervisor.create(settings, pool, limit, Duration.ofSeconds(1), System::nanoTime));
    database = new Database(supervisor, pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), settings.defaultMaxWait());
  }

  private PoolStats stats() {
    TestProbe<PoolStats> probe = testKit.createTestProbe();
    supervisor.tell(new GetPoolStats(probe.getRef()));
    return probe.receiveMessage();
  }

  private static int selectOne(Connection connection) throws java.sql.SQLException {
    try (ResultSet row = connection.createStatement().executeQuery("SELECT 1")) {
      row.next();
      return row.getInt(1);
    }
  }

  @Test
  void waitingForeverIsCappedAndTheLongLivedPermitComesBack() throws Exception {
    open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    PermitRequest forever = new PermitRequest(null, "listener-1", "listen", LeaseKind.LONG_LIVED, Priority.NORMAL,
        Duration.ofMillis(Long.MAX_VALUE));
    assertEquals(1, database.withConnection(forever, DatabaseFacadeTest::selectOne)
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    PoolStats after = stats();
    assertEquals(0, after.granted(), "the long-lived permit was released, not lost");
    assertEquals(1, after.counters().released());
  }

  @Test
  void aNonPositiveMaxWaitFailsBeforeTheSupervisorIsAsked() {
    open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    PermitRequest zero = PermitRequest.of(null, "campaign-1", "load-leads").withMaxWait(Duration.ZERO);
    ExecutionException failed = assertThrows(ExecutionException.class, () ->
        database.withConnection(zero, DatabaseFacadeTest::selectOne).toCompletableFuture().get(5, TimeUnit.SECONDS));
    PermitUnavailableException cause = assertInstanceOf(PermitUnavailableException.class, failed.getCause());
    assertEquals(RejectReason.INVALID_REQUEST, cause.reason());
    assertTrue(cause.getMessage().contains("maxWait"), cause.getMessage());
    PoolStats after = stats();
    assertEquals(0, after.counters().invalidRequests(), "nothing was sent");
    assertEquals(0, after.counters().acquired());
  }

  @Test
  void aConnectionThatCannotBeOpenedCountsAsAFailureWithoutALatency() throws Exception {
    String name = UUID.randomUUID().toString();
    try (Connection keeper = DriverManager.getConnection("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "")) {
      open("jdbc:h2:mem:" + name + ";IFEXISTS=TRUE");
      assertEquals(1, database.withConnection(null, "campaign-1", "load-leads", DatabaseFacadeTest::selectOne)
          .toCompletableFuture().get(5, TimeUnit.SECONDS));
      pool.evictIdle();
      keeper.createStatement().execute("SHUTDOWN");
    }
    assertThrows(ExecutionException.class, () -> database.withConnection(null, "campaign-1", "load-leads",
        DatabaseFacadeTest::selectOne).toCompletableFuture().get(10, TimeUnit.SECONDS));
    // The release is a message the supervisor handles on its own thread, after the stage has failed.
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(List.of(false, true), List.copyOf(limit.completionFailures));
      return null;
    });
    assertTrue(limit.completionLatencies.get(0) >= 0, "a query reports its latency");
    assertTrue(limit.completionLatencies.get(1) < 0, "a failed open reports none: " + limit.completionLatencies);
  }

  /** A facade whose supervisor is a probe: the test decides whether and when it answers. */
  private Database facadeOver(TestProbe<PermitCommand> supervisorProbe) {
    return new Database(supervisorProbe.getRef(), pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), Duration.ofSeconds(5));
  }

  @Test
  void anUnansweredRequestFailsAfterItsMaxWaitPlusGraceAndGivesUpAGrantThatMayStillCome() throws Exception {
    open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    TestProbe<PermitCommand> silent = testKit.createTestProbe();
    Database facade = facadeOver(silent);
    java.util.concurrent.atomic.AtomicBoolean workRan = new java.util.concurrent.atomic.AtomicBoolean();
    long start = System.nanoTime();
    var stage = facade.withConnection(PermitRequest.of(null, "campaign-1", "load-leads")
        .withMaxWait(Duration.ofMillis(200)), connection -> {
          workRan.set(true);
          return 1;
        }).toCompletableFuture();
    Acquire asked = silent.expectMessageClass(Acquire.class);
    ExecutionException failed = assertThrows(ExecutionException.class, () -> stage.get(5, TimeUnit.SECONDS));
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    PermitUnavailableException cause = assertInstanceOf(PermitUnavailableException.class, failed.getCause());
    assertEquals(RejectReason.TIMED_OUT, cause.reason());
    assertTrue(waitedMillis >= 200 + Database.REPLY_GRACE.toMillis(), "not before max wait + grace: " + waitedMillis);
    GiveUp giveUp = silent.expectMessageClass(GiveUp.class);
    assertEquals(asked.requestId(), giveUp.requestId());
    assertEquals(asked.replyTo(), giveUp.replyTo());

    // The grant that comes after all is not run: the GiveUp already brings it back.
    pool.admit(1);
    asked.replyTo().tell(new Granted(asked.requestId(), new Lease(new LeaseId(1), "db", "campaign-1", "load-leads",
        LeaseKind.SHORT, Duration.ofSeconds(30))));
    silent.expectNoMessage(Duration.ofMillis(200));
    assertFalse(workRan.get(), "a grant after the give-up runs no work and sends no release");
  }

  @Test
  void aStoppedSupervisorFailsEveryPendingRequestAtOnceAndEveryLaterOne() throws Exception {
    open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    TestProbe<PermitCommand> doomed = testKit.createTestProbe();
    Database facade = facadeOver(doomed);
    var waiting = facade.withConnection(null, "campaign-1", "load-leads", DatabaseFacadeTest::selectOne)
        .toCompletableFuture();
    doomed.expectMessageClass(Acquire.class);
    doomed.stop();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
    assertEquals(RejectReason.SHUTTING_DOWN,
        assertInstanceOf(PermitUnavailableException.class, failed.getCause()).reason());
    ExecutionException later = assertThrows(ExecutionException.class, () -> facade.withConnection(null,
        "campaign-1", "load-leads", DatabaseFacadeTest::selectOne).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(RejectReason.SHUTTING_DOWN,
        assertInstanceOf(PermitUnavailableException.class, later.getCause()).reason());
  }

  @Test
  void aRejectionCompletesTheCallersStageOffThePermitDispatcher() throws Exception {
    open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    TestProbe<PermitCommand> rejecting = testKit.createTestProbe();
    Database facade = facadeOver(rejecting);
    var threadOfCallback = facade.withConnection(null, "campaign-1", "load-leads", DatabaseFacadeTest::selectOne)
        .handle((value, failure) -> Thread.currentThread().getName()).toCompletableFuture();
    Acquire asked = rejecting.expectMessageClass(Acquire.class);
    asked.replyTo().tell(new Rejected(asked.requestId(), RejectReason.QUEUE_FULL, "full"));
    String thread = threadOfCallback.get(5, TimeUnit.SECONDS);
    assertFalse(thread.contains("permit-dispatcher"), "callers' callbacks must not run on the supervisor's thread: "
        + thread);
  }
}
