package io.sluice.orchestrator.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.JdbcBatch;
import io.sluice.persistence.JdbcQuery;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The streaming read and the bulk write on the embedded H2, the other database Sluice runs on. */
class StreamsOnH2Test {
  private static ActorTestKit testKit;
  private HikariGovernedPool pool;
  private ActorRef<PermitCommand> supervisor;
  private Database database;
  /** Keeps the in-memory database alive between the pool's connections, and looks at it from outside. */
  private Connection observer;

  private static final JdbcBatch<Integer> INSERT = JdbcBatch.<Integer>of("INSERT INTO numbers (n) VALUES (?)",
      (n, statement) -> statement.setInt(1, n)).withBatchSize(7);
  private static final JdbcQuery<Integer> ABOVE = JdbcQuery.of("SELECT n FROM numbers WHERE n > ? ORDER BY n",
      statement -> statement.setInt(1, 10), row -> row.getInt(1)).withFetchSize(3);

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create("StreamsOnH2Test");
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void open() throws Exception {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    observer = DriverManager.getConnection(url, "sa", "");
    try (Statement statement = observer.createStatement()) {
      statement.execute("CREATE TABLE numbers (n INT PRIMARY KEY)");
    }
    // Two long-lived permits: a finished stream may still be giving its permit back when the next one asks.
    PoolSettings settings = new PoolSettings("db", "sluice-test", 3, 3, 100, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 2, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(250));
    pool = HikariGovernedPool.open(new DatabaseSettings(url, "sa", "", 3, false), settings);
    supervisor = testKit.spawn(PoolSupervisor.create(settings, pool, LimitSettings.fixed(3), System::nanoTime));
    database = new Database(supervisor, pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), settings.defaultMaxWait());
  }

  @AfterEach
  void close() throws Exception {
    testKit.stop(supervisor);
    pool.close();
    observer.close();
  }

  private PoolStats settledStats() throws InterruptedException {
    TestProbe<PoolStats> probe = testKit.createTestProbe();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    PoolStats stats;
    do {
      Thread.sleep(10);
      supervisor.tell(new GetPoolStats(probe.getRef()));
      stats = probe.receiveMessage();
    } while (stats.granted() > 0 && System.nanoTime() < deadline);
    assertEquals(0, stats.granted());
    return stats;
  }

  private int rows() throws Exception {
    try (Statement statement = observer.createStatement();
        var row = statement.executeQuery("SELECT count(*) FROM numbers")) {
      row.next();
      return row.getInt(1);
    }
  }

  @Test
  void writtenInOneTransactionThenStreamedWithBoundParameters() throws Exception {
    PermitRequest request = PermitRequest.forStream(null, "numbers", "h2");
    assertEquals(50L, Source.range(1, 50).runWith(database.bulkWrite(request, INSERT), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(List.of(11, 12, 13, 14), database.stream(request, ABOVE).take(4)
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(40, database.stream(request, ABOVE).runWith(Sink.seq(), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).size());
    PoolStats stats = settledStats();
    assertEquals(3, stats.counters().released());
    assertEquals(0, stats.counters().failedWork());
  }

  @Test
  void aFailedBulkWriteLeavesNothingOnH2() throws Exception {
    // Row 20 is written twice: the third batch breaks the primary key after two batches went through.
    ExecutionException failed = assertThrows(ExecutionException.class, () -> Source.range(1, 30)
        .map(n -> n == 21 ? 20 : n)
        .runWith(database.bulkWrite(PermitRequest.forStream(null, "numbers", "h2"), INSERT), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(BatchUpdateException.class, failed.getCause());
    assertEquals(0, rows());
    assertEquals(1, settledStats().counters().failedWork());
  }
}
