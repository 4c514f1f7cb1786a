package io.sluice.orchestrator.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.config.ScheduleSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.VirtualClock;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.Migrations;
import io.sluice.persistence.schedule.ScheduleRow;
import io.sluice.persistence.schedule.Schedules;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.schedule.SchedulerCommand;
import io.sluice.protocols.schedule.SchedulerCommand.SchedulerStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler actor on the real PostgreSQL, its time under control: the schedulers run on {@code ManualTime} and
 * read a clock of that virtual time; the database and the jobs run in real time beside them. Pins the one timer, the
 * exactly-once firing of two schedulers against one database, the overlap and catch-up policies, and the runs a
 * stopped process left behind.
 */
class SchedulerOnPostgresTest {
  private static final Instant ORIGIN = Instant.parse("2026-06-01T08:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static ActorTestKit dbKit;
  private static HikariGovernedPool pool;
  private static Database database;

  private ActorTestKit kit;
  private ManualTime time;
  private Clock clock;
  private final AtomicInteger counted = new AtomicInteger();
  private final ConcurrentLinkedQueue<CompletableFuture<Done>> blocked = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void openDatabase() throws Exception {
    dbKit = ActorTestKit.create("SchedulerDatabase",
        ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    DatabaseSettings postgres = new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, 8,
        true);
    Migrations.run(postgres);
    PoolSettings settings = new PoolSettings("db", "sluice-scheduler-test", 6, 6, 1000, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 0, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
    pool = HikariGovernedPool.open(postgres, settings);
    ActorRef<PermitCommand> supervisor = dbKit.spawn(PoolSupervisor.create(settings, pool, LimitSettings.fixed(6),
        System::nanoTime));
    database = new Database(supervisor, pool,
        dbKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")), dbKit.system(),
        settings.defaultMaxWait());
  }

  @AfterAll
  static void closeDatabase() {
    dbKit.shutdownTestKit();
    pool.close();
  }

  @BeforeEach
  void startTime() throws Exception {
    TestDatabase.retireLeftoverSchedules();
    kit = ActorTestKit.create("Scheduler", ManualTime.config().withFallback(
        ConfigFactory.parseString("akka.actor.provider = local")).withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
    clock = VirtualClock.of(kit, ORIGIN);
  }

  @AfterEach
  void stopTime() throws Exception {
    blocked.forEach(run -> run.complete(Done.getInstance()));
    kit.shutdownTestKit();
    TestDatabase.retireLeftoverSchedules();
  }

  private ActorRef<SchedulerCommand> spawnScheduler() {
    ScheduledJobs jobs = ScheduledJobs.none()
        .with("count", run -> {
          counted.incrementAndGet();
          return CompletableFuture.completedFuture(Done.getInstance());
        })
        .with("block", run -> {
          CompletableFuture<Done> done = new CompletableFuture<>();
          blocked.add(done);
          return done;
        });
    ScheduleSettings settings = new ScheduleSettings(65536, Duration.ofSeconds(1), 7, 4, 1, 1, Duration.ofMinutes(1),
        Duration.ofSeconds(10));
    ScheduleActions actions = new ScheduleActions((workspace, type, payload, key) -> {
      throw new IllegalStateException("no events here");
    }, (workspace, campaign) -> {
      throw new IllegalStateException("no campaigns here");
    }, jobs, database, dbKit.system(), 1);
    return kit.spawn(Scheduler.create(new SchedulerPorts(database, actions, new ScheduleMetrics(), clock, settings,
        true, Duration.ofSeconds(5), SchedulerPorts.runEnds(database))));
  }

  @Test
  void itHoldsOneTimerForTheEarliestDueTimeAndNoneWithoutSchedules() throws Exception {
    ActorRef<SchedulerCommand> scheduler = spawnScheduler();
    SchedulerStatus empty = status(scheduler);
    assertEquals(0, empty.timers());
    assertNull(empty.nextDue());

    ScheduleRow later = insert("later", Duration.ofMinutes(1), ORIGIN.plusSeconds(60), "count", "SKIP",
        "SKIP_MISSED");
    scheduler.tell(new SchedulerCommand.ScheduleChanged(later.id()));
    awaitStatus(scheduler, status -> status.timers() == 1 && ORIGIN.plusSeconds(60).equals(status.nextDue()));
    ScheduleRow sooner = insert("sooner", Duration.ofMinutes(1), ORIGIN.plusSeconds(30), "count", "SKIP",
        "SKIP_MISSED");
    scheduler.tell(new SchedulerCommand.ScheduleChanged(sooner.id()));
    awaitStatus(scheduler, status -> status.timers() == 1 && ORIGIN.plusSeconds(30).equals(status.nextDue()));

    time.timePasses(Duration.ofSeconds(30));
    await("the sooner one fired once", () -> firings(sooner.id(), "SUCCEEDED") == 1 && counted.get() == 1);
    awaitStatus(scheduler, status -> status.timers() == 1 && ORIGIN.plusSeconds(60).equals(status.nextDue()));
    assertEquals(0, firings(later.id(), null));

    delete(later.id());
    delete(sooner.id());
    scheduler.tell(new SchedulerCommand.ScheduleChanged(later.id()));
    scheduler.tell(new SchedulerCommand.ScheduleChanged(sooner.id()));
    awaitStatus(scheduler, status -> status.timers() == 0 && status.nextDue() == null && status.schedules() == 0);
  }

  @Test
  void twoSchedulersOnOneDatabaseRunEachDueTimeOnce() throws Exception {
    List<ScheduleRow> rows = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      rows.add(insert("race-" + n, Duration.ofMinutes(1), ORIGIN.plusSeconds(60), "count", "SKIP", "SKIP_MISSED"));
    }
    ActorRef<SchedulerCommand> first = spawnScheduler();
    ActorRef<SchedulerCommand> second = spawnScheduler();
    awaitStatus(first, status -> status.schedules() == 20);
    awaitStatus(second, status -> status.schedules() == 20);
    for (int minute = 1; minute <= 5; minute++) {
      time.timePasses(Duration.ofMinutes(1));
      int expected = 20 * minute;
      await(expected + " firings", () -> totalFirings() == expected && counted.get() == expected);
    }
    Thread.sleep(300);
    assertEquals(100, counted.get(), "runs: each due time once");
    for (ScheduleRow row : rows) {
      assertEquals(5, firings(row.id(), "SUCCEEDED"), row.queue());
    }
  }

  @Test
  void overlapSkipRecordsTheFiringSkippedWhileTheRunGoesOn() throws Exception {
    ScheduleRow row = insert("slow-skip", Duration.ofMinutes(1), ORIGIN.plusSeconds(60), "block", "SKIP",
        "SKIP_MISSED");
    spawnScheduler();
    time.timePasses(Duration.ofMinutes(1));
    await("the first run started", () -> blocked.size() == 1 && firings(row.id(), "RUNNING") == 1);
    time.timePasses(Duration.ofMinutes(1));
    await("the second firing skipped", () -> firings(row.id(), "SKIPPED") == 1);
    assertEquals(1, blocked.size(), "no second run while the first goes on");
    blocked.poll().complete(Done.getInstance());
    await("the first run recorded", () -> firings(row.id(), "SUCCEEDED") == 1);
  }

  @Test
  void overlapQueueOneRunsOneWaitingFiringAfterTheRunAndSkipsMore() throws Exception {
    ScheduleRow row = insert("slow-queue", Duration.ofMinutes(1), ORIGIN.plusSeconds(60), "block", "QUEUE_ONE",
        "SKIP_MISSED");
    spawnScheduler();
    time.timePasses(Duration.ofMinutes(1));
    await("the first run started", () -> blocked.size() == 1);
    time.timePasses(Duration.ofMinutes(1));
    await("the second firing queued", () -> firings(row.id(), "QUEUED") == 1);
    time.timePasses(Duration.ofMinutes(1));
    await("the third firing skipped", () -> firings(row.id(), "SKIPPED") == 1);
    blocked.poll().complete(Done.getInstance());
    await("the queued run started", () -> blocked.size() == 1 && firings(row.id(), "RUNNING") == 1
        && firings(row.id(), "SUCCEEDED") == 1);
    blocked.poll().complete(Done.getInstance());
    await("both runs recorded", () -> firings(row.id(), "SUCCEEDED") == 2);
  }

  @Test
  void missedDueTimesAreSkippedOrRunOnceAndRunsOfAStoppedProcessAreInterrupted() throws Exception {
    // Due every 10 minutes since an hour and 5 minutes ago: the latest due time, 5 minutes ago, is past the grace.
    Instant anHourAgo = ORIGIN.minus(Duration.ofMinutes(65));
    ScheduleRow skip = insert("missed-skip", Duration.ofMinutes(10), anHourAgo, "count", "SKIP", "SKIP_MISSED");
    ScheduleRow once = insert("missed-once", Duration.ofMinutes(10), anHourAgo, "count", "SKIP", "RUN_ONCE");
    try (Connection observer = TestDatabase.observer(); PreparedStatement left = observer.prepareStatement(
        "INSERT INTO schedule_firing (schedule_id, due_at, kind, status, recorded_at, started_at)"
            + " VALUES (?, ?, 'SCHEDULED', 'RUNNING', ?, ?)")) {
      left.setString(1, skip.id());
      left.setObject(2, java.time.OffsetDateTime.ofInstant(anHourAgo.minusSeconds(600), ZoneOffset.UTC));
      left.setObject(3, java.time.OffsetDateTime.ofInstant(anHourAgo, ZoneOffset.UTC));
      left.setObject(4, java.time.OffsetDateTime.ofInstant(anHourAgo, ZoneOffset.UTC));
      left.executeUpdate();
    }
    ActorRef<SchedulerCommand> scheduler = spawnScheduler();
    await("the catch-up run", () -> firings(once.id(), "SUCCEEDED") == 1);
    awaitStatus(scheduler, status -> ORIGIN.plus(Duration.ofMinutes(5)).equals(status.nextDue()));
    assertEquals(1, counted.get(), "run-once fires once for the whole outage; skip-missed not at all");
    assertEquals(1, firings(skip.id(), "INTERRUPTED"), "the stopped process's run");
    assertEquals(1, firings(skip.id(), null), "skip-missed recorded no firing");
    try (Connection observer = TestDatabase.observer(); PreparedStatement query = observer.prepareStatement(
        "SELECT kind, due_at FROM schedule_firing WHERE schedule_id = ?")) {
      query.setString(1, once.id());
      try (ResultSet result = query.executeQuery()) {
        assertTrue(result.next());
        assertEquals("CATCH_UP", result.getString("kind"));
        assertEquals(ORIGIN.minus(Duration.ofMinutes(5)),
            result.getObject("due_at", java.time.OffsetDateTime.class).toInstant(),
            "the latest missed due time");
      }
    }
    for (ScheduleRow row : List.of(skip, once)) {
      assertEquals(ORIGIN.plus(Duration.ofMinutes(5)), stored(row.id()).nextDueAt(), row.queue());
    }
  }

  private ScheduleRow insert(String queue, Duration every, Instant nextDue, String job, String overlap,
      String catchUp) throws Exception {
    ScheduleRow row = new ScheduleRow("sch_" + UUID.randomUUID().toString().replace("-", ""), queue,
        "scheduler-test", every.toMillis(), null, null, "{}", ScheduleRows.RUN_JOB, job, overlap, catchUp, false,
        nextDue, null, null, null, 1, ORIGIN, ORIGIN);
    try (Connection observer = TestDatabase.observer()) {
      return Schedules.register(row).run(observer).row();
    }
  }

  private static ScheduleRow stored(String id) throws Exception {
    try (Connection observer = TestDatabase.observer()) {
      return Schedules.find(id).run(observer).orElseThrow();
    }
  }

  private static void delete(String id) throws Exception {
    try (Connection observer = TestDatabase.observer(); PreparedStatement delete = observer.prepareStatement(
        "DELETE FROM schedule WHERE id = ?")) {
      delete.setString(1, id);
      delete.executeUpdate();
    }
  }

  /** Firings of the schedule in {@code status}, or all of them for null. */
  private static int firings(String scheduleId, String status) {
    return count("SELECT count(*) FROM schedule_firing WHERE schedule_id = ?"
        + (status == null ? "" : " AND status = '" + status + "'"), scheduleId);
  }

  private static int totalFirings() {
    return count("SELECT count(*) FROM schedule_firing f JOIN schedule s ON s.id = f.schedule_id"
        + " WHERE s.workspace_id = ?", "scheduler-test");
  }

  private static int count(String sql, String parameter) {
    try (Connection observer = TestDatabase.observer(); PreparedStatement query = observer.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private SchedulerStatus status(ActorRef<SchedulerCommand> scheduler) {
    TestProbe<SchedulerStatus> probe = kit.createTestProbe();
    scheduler.tell(new SchedulerCommand.GetStatus(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private void awaitStatus(ActorRef<SchedulerCommand> scheduler,
      java.util.function.Predicate<SchedulerStatus> done) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    SchedulerStatus last = null;
    while (Instant.now().isBefore(deadline)) {
      last = status(scheduler);
      if (done.test(last)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("scheduler status never got there; last: " + last);
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " did not happen within " + WAIT);
      }
      Thread.sleep(50);
    }
  }
}
