package io.sluice.orchestrator.it;

import static io.sluice.orchestrator.it.StreamTables.rowsAfter;
import static io.sluice.orchestrator.it.StreamTables.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import io.sluice.orchestrator.database.LeaseRevokedException;
import io.sluice.orchestrator.database.PermitRequest;
import io.sluice.orchestrator.database.PermitUnavailableException;
import io.sluice.orchestrator.it.StreamTables.Row;
import io.sluice.persistence.JdbcQuery;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.RejectReason;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code Database.stream} on the real PostgreSQL: one permit per stream, back on every way a stream ends. */
class StreamsOnPostgresTest {
  private static final String TABLE = "stream_read_rows";
  private static final int ROWS = 100_000;
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private static ActorTestKit testKit;
  private GovernedPostgres governed;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("StreamsOnPostgresTest");
    StreamTables.createRows(TABLE, ROWS);
  }

  @AfterAll
  static void stop() throws Exception {
    StreamTables.execute("DROP TABLE IF EXISTS " + TABLE);
    testKit.shutdownTestKit();
  }

  @AfterEach
  void closePool() {
    if (governed != null) {
      governed.close();
    }
  }

  private GovernedPostgres pool(int maxLongLived, Duration maxHold) {
    governed = new GovernedPostgres(testKit, 4, maxLongLived, maxHold);
    return governed;
  }

  private static PermitRequest reader(String purpose) {
    return PermitRequest.forStream(null, "export-1", purpose);
  }

  @Test
  void takingTenRowsReadsThroughACursorAndReturnsThePermit() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    // Past the first 1,000 rows each row costs 1 ms: a driver that read the whole result before handing out the first
    // row (no cursor: autocommit on or no fetch size) would take 99 s here.
    JdbcQuery<Row> slowTail = JdbcQuery.of("SELECT id, name, pg_sleep(CASE WHEN id > 1000 THEN 0.001 ELSE 0 END)"
        + " FROM " + TABLE + " WHERE id > ?", statement -> statement.setLong(1, 0), StreamTables::row);
    long start = System.nanoTime();
    List<Row> first = db.database.stream(reader("take-ten"), slowTail).take(10)
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(10, first.size());
    assertEquals(10, first.stream().map(Row::id).distinct().count());
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "streamed, not read whole: took " + took);
    PoolStats stats = settled(db, SETTLE);
    assertEquals(1, stats.counters().acquired(), "one permit for the whole stream");
    assertEquals(1, stats.counters().released());
    assertEquals(0, stats.counters().failedWork(), "a cancelled stream did not fail");
  }

  @Test
  void aFullStreamDeliversEveryRowInOrderUnderOneLongLivedPermit() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    List<Long> ids = db.database.stream(reader("full"), rowsAfter(TABLE, 0)).map(Row::id)
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertEquals(ROWS, ids.size());
    for (int i = 0; i < ROWS; i++) {
      if (ids.get(i) != i + 1) {
        throw new AssertionError("row " + i + " is id " + ids.get(i));
      }
    }
    PoolStats stats = settled(db, SETTLE);
    assertEquals(1, stats.counters().acquired());
    assertEquals(1, stats.counters().released());
    assertEquals(0, stats.counters().failedWork());
  }

  @Test
  void cancellingDownstreamMidStreamReturnsThePermit() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    SinkQueueWithCancel<Row> queue = db.database.stream(reader("cancelled"), rowsAfter(TABLE, 0))
        .runWith(Sink.queue(), testKit.system());
    assertEquals(Optional.of(new Row(1, "row-1")), queue.pull().toCompletableFuture().get(10, TimeUnit.SECONDS));
    PoolStats holding = db.stats();
    assertEquals(1, holding.grantedLongLived(), "the stream holds one LONG_LIVED permit while it is open");
    assertEquals(0, holding.grantedShort());
    assertEquals("cancelled", holding.longLived().get(0).purpose());
    assertEquals(LeaseKind.LONG_LIVED, holding.longLived().get(0).kind());

    queue.cancel();
    PoolStats stats = settled(db, SETTLE);
    assertEquals(1, stats.counters().released());
    assertEquals(0, stats.counters().failedWork());
  }

  @Test
  void aStreamCancelledWhileWaitingForItsPermitReturnsItOnceGranted() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    // Every permit busy for a second, so the stream's request waits in the queue.
    List<CompletableFuture<Integer>> busy = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      busy.add(db.database.withConnection(null, "busy-" + i, "pg-sleep", connection -> {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SELECT pg_sleep(1)");
          return 1;
        }
      }).toCompletableFuture());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (db.stats().granted() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    SinkQueueWithCancel<Row> queue = db.database.stream(reader("impatient"), rowsAfter(TABLE, 0))
        .runWith(Sink.queue(), testKit.system());
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (db.stats().waiting() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, db.stats().waiting(), "the stream waits for a permit");
    queue.cancel();
    for (CompletableFuture<Integer> work : busy) {
      assertEquals(1, work.get(10, TimeUnit.SECONDS));
    }
    PoolStats stats = settled(db, SETTLE);
    assertEquals(5, stats.counters().acquired(), "the stream was granted after the sleepers");
    assertEquals(5, stats.counters().released(), "and gave its permit back unused");
    assertEquals(0, stats.counters().failedWork());
  }

  @Test
  void aFailingRowMapperFailsTheStreamAndReleasesThePermitAsFailed() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    JdbcQuery<Row> failsAt700 = JdbcQuery.of("SELECT id, name FROM " + TABLE + " WHERE id > ? ORDER BY id",
        statement -> statement.setLong(1, 0), row -> {
          if (row.getLong(1) == 700) {
            throw new IllegalStateException("cannot map row 700");
          }
          return StreamTables.row(row);
        });
    ExecutionException failed = assertThrows(ExecutionException.class, () -> db.database
        .stream(reader("failing-mapper"), failsAt700).runWith(Sink.ignore(), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals("cannot map row 700", rootCause(failed).getMessage());
    PoolStats stats = settled(db, SETTLE);
    assertEquals(1, stats.counters().released());
    assertEquals(1, stats.counters().failedWork(), "released with failed = true");
  }

  @Test
  void badSqlFailsTheStreamAndReleasesThePermit() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    JdbcQuery<Row> broken = JdbcQuery.of("SELECT id, name FROM no_such_table WHERE id > ?",
        statement -> statement.setLong(1, 0), StreamTables::row);
    ExecutionException failed = assertThrows(ExecutionException.class, () -> db.database
        .stream(reader("bad-sql"), broken).runWith(Sink.ignore(), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(rootCause(failed).getMessage().contains("no_such_table"), rootCause(failed).getMessage());
    PoolStats stats = settled(db, SETTLE);
    assertEquals(1, stats.counters().failedWork());
    // The connection went back clean: the next stream on the same pool works.
    assertEquals(3, db.database.stream(reader("after"), rowsAfter(TABLE, ROWS - 3))
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS).size());
  }

  @Test
  void boundParametersAreBoundNotConcatenated() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    String injection = "x' OR '1'='1";
    List<Row> matched = db.database.stream(reader("by-name"), byName(injection))
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of(), matched, "the injection-looking name is a value that matches no row");
    assertEquals(List.of(new Row(42, "row-42")), db.database.stream(reader("by-name"), byName("row-42"))
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(0, settled(db, SETTLE).counters().failedWork());
  }

  private static JdbcQuery<Row> byName(String name) {
    return JdbcQuery.of("SELECT id, name FROM " + TABLE + " WHERE name = ?", statement -> statement.setString(1, name),
        StreamTables::row);
  }

  @Test
  void aStreamBeyondTheLongLivedCapFailsAtOnce() throws Exception {
    GovernedPostgres db = pool(1, Duration.ofSeconds(30));
    SinkQueueWithCancel<Row> holder = db.database.stream(reader("first"), rowsAfter(TABLE, 0))
        .runWith(Sink.queue(), testKit.system());
    holder.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ExecutionException refused = assertThrows(ExecutionException.class, () -> db.database
        .stream(reader("second"), rowsAfter(TABLE, 0)).runWith(Sink.ignore(), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(RejectReason.LONG_LIVED_CAP,
        assertInstanceOf(PermitUnavailableException.class, rootCause(refused)).reason());
    holder.cancel();
    assertEquals(1, settled(db, SETTLE).counters().released());
  }

  @Test
  void aRevokedLeaseFailsTheStream() throws Exception {
    // A SHORT lease is revoked at max hold: its connection is aborted under the open cursor.
    GovernedPostgres db = pool(2, Duration.ofSeconds(1));
    SinkQueueWithCancel<Row> queue = db.database
        .stream(PermitRequest.of(null, "export-1", "short-stream"), rowsAfter(TABLE, 0).withFetchSize(100))
        .runWith(Sink.queue(), testKit.system());
    assertEquals(1, queue.pull().toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow().id());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (db.stats().counters().leaked() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, db.stats().counters().leaked(), "revoked at max hold");
    Throwable failure = null;
    for (int pulled = 1; failure == null && pulled <= ROWS; pulled++) {
      try {
        if (queue.pull().toCompletableFuture().get(10, TimeUnit.SECONDS).isEmpty()) {
          break;
        }
      } catch (ExecutionException e) {
        failure = rootCauseBelow(e, LeaseRevokedException.class);
      }
    }
    assertInstanceOf(LeaseRevokedException.class, failure, "the stream failed once its buffered rows were out");
    assertEquals(0, settled(db, SETTLE).granted());
  }

  @Test
  void aStoppedHolderTakesTheLongLivedPermitBackAndFailsTheStream() throws Exception {
    GovernedPostgres db = pool(2, Duration.ofSeconds(30));
    ActorRef<Void> holder = testKit.spawn(Behaviors.<Void>empty());
    SinkQueueWithCancel<Row> queue = db.database
        .stream(PermitRequest.forStream(holder, "export-1", "held"), rowsAfter(TABLE, 0).withFetchSize(100))
        .runWith(Sink.queue(), testKit.system());
    assertEquals(1, queue.pull().toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow().id());
    testKit.stop(holder);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (db.stats().counters().holderDied() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, db.stats().granted(), "the holder's death took the permit back");
    Throwable failure = null;
    for (int pulled = 1; failure == null && pulled <= ROWS; pulled++) {
      try {
        if (queue.pull().toCompletableFuture().get(10, TimeUnit.SECONDS).isEmpty()) {
          break;
        }
      } catch (ExecutionException e) {
        failure = rootCauseBelow(e, LeaseRevokedException.class);
      }
    }
    assertInstanceOf(LeaseRevokedException.class, failure, "the aborted cursor failed the stream");
    assertEquals(1, db.stats().counters().holderDied());
  }

  private static Throwable rootCause(Throwable thrown) {
    Throwable cause = thrown;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The first cause of {@code type} in the chain, or the root cause if there is none. */
  private static Throwable rootCauseBelow(Throwable thrown, Class<? extends Throwable> type) {
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return cause;
      }
    }
    return rootCause(thrown);
  }
}
