package io.sluice.orchestrator.it;

import static io.sluice.orchestrator.it.StreamTables.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.japi.Pair;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.database.PermitRequest;
import io.sluice.orchestrator.it.StreamTables.Row;
import io.sluice.persistence.JdbcBatch;
import io.sluice.protocols.permit.PoolStats;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Database.bulkWrite} on the real PostgreSQL: one transaction, one permit, nothing stored on failure. */
class BulkWriteOnPostgresTest {
  private static final String TABLE = "stream_written_rows";
  private static final int ROWS = 10_000;
  private static final Duration SETTLE = Duration.ofSeconds(5);
  private static final JdbcBatch<Row> INSERT = JdbcBatch.of("INSERT INTO " + TABLE + " (id, name) VALUES (?, ?)",
      (row, statement) -> {
        statement.setLong(1, row.id());
        statement.setString(2, row.name());
      });

  private static ActorTestKit testKit;
  private GovernedPostgres governed;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("BulkWriteOnPostgresTest");
    StreamTables.createRows(TABLE, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    StreamTables.execute("DROP TABLE IF EXISTS " + TABLE);
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void openPool() throws SQLException {
    StreamTables.execute("DELETE FROM " + TABLE);
    governed = new GovernedPostgres(testKit, 4, 2, Duration.ofSeconds(30));
  }

  @AfterEach
  void closePool() {
    governed.close();
  }

  private static PermitRequest importer() {
    return PermitRequest.forStream(null, "import-1", "csv-import");
  }

  private static Row row(int id) {
    return new Row(id, "row-" + id);
  }

  @Test
  void tenThousandRowsAreCommittedTogetherUnderExactlyOnePermit() throws Exception {
    Pair<SourceQueueWithComplete<Row>, CompletionStage<Long>> running = Source.<Row>queue(ROWS, OverflowStrategy.fail())
        .toMat(governed.database.bulkWrite(importer(), INSERT), Keep.both())
        .run(testKit.system());
    SourceQueueWithComplete<Row> queue = running.first();
    int maxGranted = 0;
    for (int id = 1; id <= ROWS; id++) {
      queue.offer(row(id)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (id % 1_000 == 0) {
        maxGranted = Math.max(maxGranted, governed.stats().granted());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!writerHoldsTheTableLock() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(writerHoldsTheTableLock(), "the batches run in one open transaction");
    PoolStats open = governed.stats();
    maxGranted = Math.max(maxGranted, open.granted());
    assertEquals(1, open.grantedLongLived(), "the open bulk write holds one LONG_LIVED permit");
    assertEquals(0, StreamTables.count(TABLE), "nothing is committed before the upstream completes");

    queue.complete();
    assertEquals(ROWS, running.second().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals(ROWS, StreamTables.count(TABLE));
    PoolStats stats = settled(governed, SETTLE);
    assertEquals(1, maxGranted, "max granted observed");
    assertEquals(1, stats.counters().acquired(), "one permit for 10,000 rows");
    assertEquals(1, stats.counters().released());
    assertEquals(0, stats.counters().failedWork());
  }

  /**
   * Whether the pool's backend holds the table's write lock: taken by the first insert, kept until the transaction
   * ends. Under autocommit it would be dropped after each batch and the rows would be visible at once.
   */
  private boolean writerHoldsTheTableLock() throws SQLException {
    try (Connection observer = TestDatabase.observer(); PreparedStatement query = observer.prepareStatement(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = ?"
            + " AND l.relation = ?::regclass AND l.mode = 'RowExclusiveLock' AND l.granted")) {
      query.setString(1, governed.applicationName);
      query.setString(2, TABLE);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1) > 0;
      }
    }
  }

  @Test
  void anUpstreamFailureMidStreamStoresNothingAndReleasesThePermit() throws Exception {
    CompletionStage<Long> written = Source.range(1, ROWS)
        .map(id -> {
          if (id == 5_000) {
            throw new IllegalStateException("line 5000 is not a row");
          }
          return row(id);
        })
        .runWith(governed.database.bulkWrite(importer(), INSERT), testKit.system());
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> written.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals("line 5000 is not a row", failed.getCause().getMessage());
    assertEquals(0, StreamTables.count(TABLE), "the 4,999 rows before the failure were rolled back");
    PoolStats stats = settled(governed, SETTLE);
    assertEquals(1, stats.counters().released());
    assertEquals(1, stats.counters().failedWork());
  }

  @Test
  void aFailingStatementMidStreamStoresNothingAndReleasesThePermit() throws Exception {
    // Row 5,000 has no name: the NOT NULL constraint fails its batch, the tenth.
    CompletionStage<Long> written = Source.range(1, ROWS)
        .map(id -> id == 5_000 ? new Row(id, null) : row(id))
        .runWith(governed.database.bulkWrite(importer(), INSERT), testKit.system());
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> written.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertInstanceOf(BatchUpdateException.class, failed.getCause());
    assertEquals(0, StreamTables.count(TABLE));
    PoolStats stats = settled(governed, SETTLE);
    assertEquals(1, stats.counters().failedWork());
    // The connection went back clean: a next import on the same pool commits.
    assertEquals(3L, Source.range(1, 3).map(BulkWriteOnPostgresTest::row)
        .runWith(governed.database.bulkWrite(importer(), INSERT.withBatchSize(2)), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(3, StreamTables.count(TABLE));
  }

  @Test
  void anEmptyUpstreamCommitsNothingAndReleases() throws Exception {
    assertEquals(0L, Source.<Row>empty().runWith(governed.database.bulkWrite(importer(), INSERT), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    PoolStats stats = settled(governed, SETTLE);
    assertEquals(1, stats.counters().released());
    assertEquals(0, stats.counters().failedWork());
  }

  @Test
  void noPermitFailsTheWriteWithoutWritingAnything() throws Exception {
    GovernedPostgres noLongLived = new GovernedPostgres(testKit, 2, 0, Duration.ofSeconds(30));
    try {
      CompletableFuture<Long> written = Source.range(1, 10).map(BulkWriteOnPostgresTest::row)
          .runWith(noLongLived.database.bulkWrite(importer(), INSERT), testKit.system()).toCompletableFuture();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> written.get(10, TimeUnit.SECONDS));
      assertTrue(failed.getCause().getMessage().contains("LONG_LIVED_CAP"), failed.getCause().getMessage());
      assertEquals(0, StreamTables.count(TABLE));
      assertEquals(0, noLongLived.stats().counters().acquired());
    } finally {
      noLongLived.close();
    }
  }
}
