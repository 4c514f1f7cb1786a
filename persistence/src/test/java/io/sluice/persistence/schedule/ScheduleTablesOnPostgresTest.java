package io.sluice.persistence.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.persistence.Migrations;
import io.sluice.persistence.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schedule tables on the real PostgreSQL ({@code SLUICE_TEST_DB_URL}), plus races of one key. */
class ScheduleTablesOnPostgresTest extends ScheduleTablesContract {

  @BeforeAll
  static void migrate() {
    Migrations.run(TestPostgres.database(true));
  }

  @Override
  protected Connection connect() throws SQLException {
    return TestPostgres.observer();
  }

  @Test
  void concurrentFirstRegistrationsOfOneSystemScheduleStoreOneRow() throws Exception {
    int racers = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<Schedules.Registration>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        ScheduleRow candidate = row(null, "{}", 60_000L);
        results.add(pool.submit(() -> {
          start.await();
          return run(Schedules.register(candidate));
        }));
      }
      start.countDown();
      long created = 0;
      for (Future<Schedules.Registration> result : results) {
        created += result.get(30, TimeUnit.SECONDS).change() == Schedules.Change.CREATED ? 1 : 0;
      }
      assertEquals(1, created);
      assertEquals(1, count("SELECT count(*) FROM schedule WHERE queue = ? AND workspace_id IS NULL", queue));
      assertEquals(racers, run(Schedules.find(null, queue)).orElseThrow().registrations());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentStepsOfOneDueTimeApplyOnce() throws Exception {
    ScheduleRow schedule = run(Schedules.register(row("race-" + workspace, "{}", 60_000L))).row();
    int racers = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<List<Boolean>>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        Firings.Step step = new Firings.Step(schedule.id(), schedule.nextDueAt(),
            schedule.nextDueAt().plusSeconds(60), new FiringRow(schedule.id(), schedule.nextDueAt(), "SCHEDULED",
            "RUNNING", now, now, null, null));
        results.add(pool.submit(() -> {
          start.await();
          return run(Firings.record(List.of(step), now));
        }));
      }
      start.countDown();
      int applied = 0;
      for (Future<List<Boolean>> result : results) {
        applied += result.get(30, TimeUnit.SECONDS).get(0) ? 1 : 0;
      }
      assertEquals(1, applied);
      assertEquals(1, count("SELECT count(*) FROM schedule_firing WHERE schedule_id = ?", schedule.id()));
    } finally {
      pool.shutdownNow();
    }
  }
}
