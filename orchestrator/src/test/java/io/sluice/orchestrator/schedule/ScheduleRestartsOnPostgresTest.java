package io.sluice.orchestrator.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.Done;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.protocols.schedule.CatchUpPolicy;
import io.sluice.protocols.schedule.ScheduleAction;
import io.sluice.protocols.schedule.ScheduleSpec;
import io.sluice.protocols.schedule.ScheduleSpec.Queue;
import io.sluice.protocols.schedule.ScheduleSpec.Workspace;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Incident 5's check: the service started 25 times in a row, each start registering the same schedules in code — a
 * system schedule (no workspace: the NULL that a plain UNIQUE let through 22 times) and a workspace's — leaves exactly
 * one row per schedule.
 */
class ScheduleRestartsOnPostgresTest {
  private static final String ADMIN_KEY = "schedule-restarts-test-admin-key-0123456789";
  private static final String SYSTEM_QUEUE = "memo.batch-check";
  private static final String WORKSPACE_QUEUE = "restarts.nightly";
  private static final String WORKSPACE = "restarts-workspace";

  @Test
  void twentyFiveStartsLeaveOneRowPerSchedule() throws Exception {
    TestDatabase.retireLeftoverWork();
    ScheduledJobs jobs = ScheduledJobs.none()
        .with("memo-batch-check", run -> CompletableFuture.completedFuture(Done.getInstance()))
        .registering(ScheduleSpec.builder(new Queue(SYSTEM_QUEUE), Workspace.SYSTEM)
            .every(Duration.ofSeconds(30)).action(new ScheduleAction.RunJob("memo-batch-check")).build())
        .registering(ScheduleSpec.builder(new Queue(WORKSPACE_QUEUE), Workspace.of(WORKSPACE))
            .cron("0 2 * * *", ZoneId.of("Europe/Paris")).catchUp(CatchUpPolicy.RUN_ONCE)
            .action(new ScheduleAction.RunJob("memo-batch-check")).build());
    Config config = ConfigFactory.parseMap(Map.of(
            "sluice.database.url", TestDatabase.URL,
            "sluice.database.user", TestDatabase.USER,
            "sluice.database.password", TestDatabase.PASSWORD,
            "sluice.http.port", "0",
            "sluice.http.admin-key", ADMIN_KEY,
            "sluice.bootstrap.create-first-key", "false"))
        .withFallback(ConfigFactory.load());
    try {
      for (int start = 1; start <= 25; start++) {
        Sluice sluice = Sluice.start(config, jobs);
        sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      assertEquals(1, rows("SELECT count(*) FROM schedule WHERE queue = ? AND workspace_id IS NULL", SYSTEM_QUEUE));
      assertEquals(1, rows("SELECT count(*) FROM schedule WHERE queue = ?", WORKSPACE_QUEUE));
      assertEquals(25, rows("SELECT registrations FROM schedule WHERE queue = ?", SYSTEM_QUEUE));
    } finally {
      TestDatabase.retireLeftoverSchedules();
    }
  }

  private static int rows(String sql, String queue) throws Exception {
    try (Connection observer = TestDatabase.observer(); PreparedStatement query = observer.prepareStatement(sql)) {
      query.setString(1, queue);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }
}
