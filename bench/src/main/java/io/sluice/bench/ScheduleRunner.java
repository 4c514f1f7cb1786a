package io.sluice.bench;

import akka.Done;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.config.ScheduleSettings;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.schedule.ScheduledJobs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recurring schedules, Sluice beside db-scheduler 16.7.1 on the same PostgreSQL server, in one run.
 *
 * <p><b>Firings.</b> {@code -Dbench.schedules} (default 10,000) schedules, all due at one instant T, each firing a job
 * that completes at once; measured from T until every firing's end is committed, {@code -Dbench.trials} times
 * (default 3) each, alternating. Both start from rows written straight into their table with T = now +
 * {@code -Dbench.start-margin-seconds} (default 15), then start: Sluice's scheduler reads its table at start-up and
 * holds one timer for T; db-scheduler polls. A trial whose scheduler was not up 2 s before T is reported void.
 * Done means, for Sluice, {@code schedule_firing} rows with status SUCCEEDED (each firing is an insert under its
 * (schedule, due time) key plus the schedule's compare-and-set in one batched transaction, then the run's end written
 * to the firing and the schedule by group commit); for db-scheduler, rows with {@code last_success} set (a
 * {@code custom} task rescheduled an hour on, so each execution is its lock-and-fetch pick plus one completion
 * update). Equal connection budget: Sluice's db pool has 10 connections (its journal pool is open but not used by
 * schedules), db-scheduler a HikariCP pool of 10. db-scheduler runs in its fastest mode as its performance notes
 * give it: lock-and-fetch with {@code -Dbench.dbs-threads} (50) threads, lower/upper fractions
 * {@code -Dbench.dbs-lower}/{@code -Dbench.dbs-upper} (2.0/6.0; of the settings tried on 2 cores — 10 threads 4/20,
 * 20 threads 1/4 and 4/20, 50 threads 2/6, 100 threads 2/6 — the fastest), polling every {@code -Dbench.dbs-poll-ms} (50).
 *
 * <p><b>Idle.</b> Both again, side by side in two databases ({@code SLUICE_BENCH_DB_URL}'s and the one named
 * {@code <it>_dbs}) so that each database's {@code pg_stat_database.xact_commit} counts one scheduler only: 1,000
 * schedules each, none due for an hour, db-scheduler with its defaults (fetch, polling every 10 s). After
 * {@code -Dbench.idle-settle-seconds} (15) the transactions each database commits in {@code -Dbench.idle-seconds}
 * (600; 0 skips this part) are counted from a connection to the {@code postgres} database.
 */
public final class ScheduleRunner {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String DB_APP = "sluice-db-schedbench-" + RUN;
  private static final String JOURNAL_APP = "sluice-journal-schedbench-" + RUN;
  private static final String DBS_APP = "db-scheduler-schedbench-" + RUN;
  private static final String JOB = "bench-noop";
  private static final int POOL = 10;
  /** The db pool's size and limit (the shipped values, stated so that the comparison's budget is explicit). */
  private static final Map<String, String> SLUICE_POOL = Map.of("sluice.pools.db.max-size", Integer.toString(POOL),
      "sluice.pools.db.limit", Integer.toString(POOL));
  private static final Duration POLL_DONE = Duration.ofMillis(25);
  private static final Duration DONE_LIMIT = Duration.ofMinutes(5);
  private static final String DBS_URL = withDatabase(BenchDatabase.URL, databaseName(BenchDatabase.URL) + "_dbs");
  private static final String OBSERVER_URL = withDatabase(BenchDatabase.URL, "postgres");
  private static final AtomicLong JOB_RUNS = new AtomicLong();

  private ScheduleRunner() {}

  /**
   * One trial: seconds from T until all were done, and where the time went (milliseconds after T of the first and last
   * firing recorded and of the last run's end, as the table has them).
   */
  private record Trial(double seconds, long firstMillis, String profile, boolean onTime) {}

  public static void main(String[] args) throws Exception {
    int schedules = Integer.getInteger("bench.schedules", 10_000);
    int trials = Integer.getInteger("bench.trials", 3);
    int idleSchedules = Integer.getInteger("bench.idle-schedules", 1_000);
    int idleSeconds = Integer.getInteger("bench.idle-seconds", 600);
    Duration margin = Duration.ofSeconds(Integer.getInteger("bench.start-margin-seconds", 15));
    System.out.println(Machine.describe() + ", " + Machine.load() + ", PostgreSQL " + observe("SHOW server_version"));
    createIfMissing(databaseName(DBS_URL));
    createDbSchedulerTable();
    migrateSluice();
    List<Trial> sluice = new ArrayList<>();
    List<Trial> dbs = new ArrayList<>();
    for (int trial = 0; trial < trials; trial++) {
      sluice.add(sluiceFirings(schedules, margin));
      System.out.println("trial " + (trial + 1) + " sluice: " + describe(sluice.get(trial), schedules));
      dbs.add(dbSchedulerFirings(schedules, margin));
      System.out.println("trial " + (trial + 1) + " db-scheduler: " + describe(dbs.get(trial), schedules));
    }
    System.out.println();
    System.out.println("| " + schedules + " due at once | trials (s, first firing recorded after T) | firings/s min"
        + " | median | max |");
    System.out.println("|---|---|---|---|---|");
    System.out.println(row("Sluice (" + sluiceSettings() + ")", sluice, schedules));
    System.out.println(row("db-scheduler (lock-and-fetch, " + dbsThreads() + " threads, " + dbsLower() + "/"
        + dbsUpper() + ", poll " + dbsPollMillis() + " ms)", dbs, schedules));
    System.out.println();
    if (idleSeconds > 0) {
      idle(idleSchedules, idleSeconds, Duration.ofSeconds(Integer.getInteger("bench.idle-settle-seconds", 15)));
    }
    // Kamon's reporter thread is not a daemon and lives as long as the JVM: end it here.
    System.exit(0);
  }

  private static Trial sluiceFirings(int schedules, Duration margin) throws Exception {
    Instant due = Instant.now().plus(margin).truncatedTo(ChronoUnit.MILLIS);
    writeSluiceSchedules(schedules, due);
    long runsBefore = JOB_RUNS.get();
    Sluice sluice = startSluice();
    try {
      boolean onTime = Instant.now().isBefore(due.minusSeconds(2));
      Instant done = awaitCount(BenchDatabase.URL, "SELECT count(*) FROM schedule_firing WHERE status = 'SUCCEEDED'",
          schedules);
      long[] after = millisAfter(BenchDatabase.URL, due, "min(recorded_at)", "max(recorded_at)",
          "max(finished_at)", "schedule_firing");
      if (JOB_RUNS.get() - runsBefore != schedules) {
        throw new IllegalStateException("the job ran " + (JOB_RUNS.get() - runsBefore) + " times for " + schedules
            + " firings");
      }
      return new Trial(Duration.between(due, done).toNanos() / 1e9, after[0],
          "last recorded +" + after[1] + " ms, last run ended +" + after[2] + " ms", onTime);
    } finally {
      sluice.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static Sluice startSluice() throws Exception {
    ScheduledJobs jobs = ScheduledJobs.none().with(JOB, run -> {
      JOB_RUNS.incrementAndGet();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    return BenchService.start(DB_APP, JOURNAL_APP, SLUICE_POOL, jobs);
  }

  /** The schedule table after a first start (the service migrates its database; nothing is due then). */
  private static void migrateSluice() throws Exception {
    startSluice().stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** {@code count} interval schedules (hourly, run-job) first due at {@code due}, and no firing. */
  private static void writeSluiceSchedules(int count, Instant due) throws SQLException {
    try (Connection connection = DriverManager.getConnection(BenchDatabase.URL, BenchDatabase.USER,
        BenchDatabase.PASSWORD)) {
      connection.setAutoCommit(false);
      try (Statement clear = connection.createStatement();
          PreparedStatement insert = connection.prepareStatement("INSERT INTO schedule (id, queue, workspace_id,"
              + " interval_ms, payload, action_kind, action_target, overlap_policy, catch_up_policy, paused,"
              + " next_due_at, registrations, created_at, updated_at) VALUES (?, ?, NULL, 3600000, '{}', 'run-job',"
              + " ?, 'SKIP', 'SKIP_MISSED', FALSE, ?, 1, now(), now())")) {
        clear.execute("TRUNCATE schedule_firing, schedule");
        for (int i = 0; i < count; i++) {
          insert.setString(1, UUID.randomUUID().toString());
          insert.setString(2, "bench-" + i);
          insert.setString(3, JOB);
          insert.setTimestamp(4, Timestamp.from(due));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
      vacuum(BenchDatabase.URL, "schedule", "schedule_firing");
    }
  }

  private static Trial dbSchedulerFirings(int schedules, Duration margin) throws Exception {
    Instant due = Instant.now().plus(margin).truncatedTo(ChronoUnit.MILLIS);
    writeTaskInstances(schedules, due);
    AtomicLong runs = new AtomicLong();
    try (HikariDataSource pool = dbsPool()) {
      Scheduler scheduler = Scheduler.create(pool, noopTask(runs)).threads(dbsThreads())
          .pollingInterval(Duration.ofMillis(dbsPollMillis())).pollUsingLockAndFetch(dbsLower(), dbsUpper())
          .schedulerName(new SchedulerName.Fixed("bench")).build();
      scheduler.start();
      try {
        boolean onTime = Instant.now().isBefore(due.minusSeconds(2));
        Instant done = awaitCount(DBS_URL, "SELECT count(*) FROM scheduled_tasks WHERE last_success IS NOT NULL",
            schedules);
        long[] after = millisAfter(DBS_URL, due, "min(last_success)", "max(last_success)", "max(last_success)",
            "scheduled_tasks");
        if (runs.get() != schedules) {
          throw new IllegalStateException("db-scheduler ran " + runs.get() + " executions for " + schedules);
        }
        return new Trial(Duration.between(due, done).toNanos() / 1e9, after[0],
            "last completed +" + after[1] + " ms", onTime);
      } finally {
        scheduler.stop();
      }
    }
  }

  /** A job that completes at once and moves its instance an hour on (a recurring schedule per instance). */
  private static CustomTask<Void> noopTask(AtomicLong runs) {
    return Tasks.custom(JOB, Void.class).execute((instance, context) -> {
      runs.incrementAndGet();
      return new CompletionHandler.OnCompleteReschedule<>(FixedDelay.ofHours(1));
    });
  }

  private static HikariDataSource dbsPool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(DBS_URL);
    config.setUsername(BenchDatabase.USER);
    config.setPassword(BenchDatabase.PASSWORD);
    config.setMaximumPoolSize(POOL);
    config.addDataSourceProperty("ApplicationName", DBS_APP);
    return new HikariDataSource(config);
  }

  /** db-scheduler's documented PostgreSQL table (its {@code postgresql_tables.sql}). */
  private static void createDbSchedulerTable() throws SQLException {
    try (Connection connection = DriverManager.getConnection(DBS_URL, BenchDatabase.USER, BenchDatabase.PASSWORD);
        Statement ddl = connection.createStatement()) {
      ddl.execute("CREATE TABLE IF NOT EXISTS scheduled_tasks (task_name text NOT NULL, task_instance text NOT NULL,"
          + " task_data bytea, execution_time timestamp with time zone NOT NULL, picked BOOLEAN NOT NULL,"
          + " picked_by text, last_success timestamp with time zone, last_failure timestamp with time zone,"
          + " consecutive_failures INT, last_heartbeat timestamp with time zone, version BIGINT NOT NULL,"
          + " priority SMALLINT, PRIMARY KEY (task_name, task_instance))");
      ddl.execute("CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time)");
      ddl.execute("CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
      ddl.execute("CREATE INDEX IF NOT EXISTS priority_execution_time_idx ON scheduled_tasks"
          + " (priority desc, execution_time asc)");
    }
  }

  private static void writeTaskInstances(int count, Instant due) throws SQLException {
    try (Connection connection = DriverManager.getConnection(DBS_URL, BenchDatabase.USER, BenchDatabase.PASSWORD)) {
      connection.setAutoCommit(false);
      try (Statement clear = connection.createStatement();
          PreparedStatement insert = connection.prepareStatement("INSERT INTO scheduled_tasks (task_name,"
              + " task_instance, execution_time, picked, version) VALUES (?, ?, ?, FALSE, 1)")) {
        clear.execute("TRUNCATE scheduled_tasks");
        for (int i = 0; i < count; i++) {
          insert.setString(1, JOB);
          insert.setString(2, "bench-" + i);
          insert.setTimestamp(3, Timestamp.from(due));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    }
    vacuum(DBS_URL, "scheduled_tasks");
  }

  /**
   * Both schedulers idle side by side, each in its own database, with {@code schedules} schedules due in an hour:
   * the transactions each database commits in {@code seconds}.
   */
  private static void idle(int schedules, int seconds, Duration settle) throws Exception {
    Instant inAnHour = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    writeSluiceSchedules(schedules, inAnHour);
    writeTaskInstances(schedules, inAnHour);
    Sluice sluice = startSluice();
    AtomicLong runs = new AtomicLong();
    try (HikariDataSource pool = dbsPool()) {
      Scheduler scheduler = Scheduler.create(pool, noopTask(runs)).build();
      scheduler.start();
      try {
        Thread.sleep(settle.toMillis());
        long[] sluiceBefore = commits(BenchDatabase.URL);
        long[] dbsBefore = commits(DBS_URL);
        long start = System.nanoTime();
        for (int minute = 1; minute * 60 <= seconds; minute++) {
          sleepUntil(start + TimeUnit.SECONDS.toNanos(minute * 60L));
          System.out.printf(Locale.ROOT, "idle minute %d: Sluice %d transactions so far, db-scheduler %d%n", minute,
              commits(BenchDatabase.URL)[0] - sluiceBefore[0], commits(DBS_URL)[0] - dbsBefore[0]);
        }
        sleepUntil(start + TimeUnit.SECONDS.toNanos(seconds));
        long[] sluiceAfter = commits(BenchDatabase.URL);
        long[] dbsAfter = commits(DBS_URL);
        System.out.println();
        System.out.println("| idle " + seconds + " s, " + schedules + " schedules due in an hour | transactions"
            + " committed | rolled back | sessions opened | backends at the end |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| Sluice | %d | %d | %d | %d |%n", sluiceAfter[0] - sluiceBefore[0],
            sluiceAfter[1] - sluiceBefore[1], sluiceAfter[2] - sluiceBefore[2], backends(DB_APP, JOURNAL_APP));
        System.out.printf(Locale.ROOT, "| db-scheduler (defaults: fetch, poll 10 s, 10 threads) | %d | %d | %d | %d |%n",
            dbsAfter[0] - dbsBefore[0], dbsAfter[1] - dbsBefore[1], dbsAfter[2] - dbsBefore[2],
            backends(DBS_APP, DBS_APP));
        System.out.println("firings while idle: Sluice " + query(BenchDatabase.URL,
            "SELECT count(*) FROM schedule_firing") + ", db-scheduler " + runs.get());
      } finally {
        scheduler.stop();
      }
    } finally {
      sluice.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
    }
  }

  /** The database's committed and rolled-back transactions and sessions so far, read from another database. */
  private static long[] commits(String url) throws SQLException {
    try (Connection observer = DriverManager.getConnection(OBSERVER_URL, BenchDatabase.USER, BenchDatabase.PASSWORD);
        PreparedStatement read = observer.prepareStatement(
            "SELECT xact_commit, xact_rollback, sessions FROM pg_stat_database WHERE datname = ?")) {
      read.setString(1, databaseName(url));
      try (ResultSet row = read.executeQuery()) {
        row.next();
        return new long[] {row.getLong(1), row.getLong(2), row.getLong(3)};
      }
    }
  }

  private static int backends(String application, String otherApplication) throws SQLException {
    return Integer.parseInt(observe("SELECT count(*) FROM pg_stat_activity WHERE application_name IN ('"
        + application + "', '" + otherApplication + "')"));
  }

  /** Each of the timestamp {@code aggregates} of {@code table}, in milliseconds after {@code due}. */
  private static long[] millisAfter(String url, Instant due, String first, String second, String third,
      String table) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, BenchDatabase.USER, BenchDatabase.PASSWORD);
        PreparedStatement select = connection.prepareStatement("SELECT " + String.join(", ",
            millisSince(first), millisSince(second), millisSince(third)) + " FROM " + table)) {
      Timestamp at = Timestamp.from(due);
      for (int i = 1; i <= 3; i++) {
        select.setTimestamp(i, at);
      }
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return new long[] {row.getLong(1), row.getLong(2), row.getLong(3)};
      }
    }
  }

  private static String millisSince(String aggregate) {
    return "round(extract(epoch FROM " + aggregate + " - ?::timestamptz) * 1000)::bigint";
  }

  /** Polls {@code countSql} until it answers {@code expected}; answers when it first did. */
  private static Instant awaitCount(String url, String countSql, int expected) throws Exception {
    long deadline = System.nanoTime() + DONE_LIMIT.toNanos();
    try (Connection observer = DriverManager.getConnection(url, BenchDatabase.USER, BenchDatabase.PASSWORD);
        PreparedStatement count = observer.prepareStatement(countSql)) {
      while (System.nanoTime() < deadline) {
        try (ResultSet row = count.executeQuery()) {
          row.next();
          if (row.getInt(1) >= expected) {
            return Instant.now();
          }
        }
        Thread.sleep(POLL_DONE.toMillis());
      }
    }
    throw new IllegalStateException("not all " + expected + " done within " + DONE_LIMIT + ": " + countSql);
  }

  /** Fresh statistics and no dead rows from the trial before, so that neither scheduler plans against stale ones. */
  private static void vacuum(String url, String... tables) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, BenchDatabase.USER, BenchDatabase.PASSWORD);
        Statement vacuum = connection.createStatement()) {
      for (String table : tables) {
        vacuum.execute("VACUUM ANALYZE " + table);
      }
    }
  }

  private static void createIfMissing(String database) throws SQLException {
    if (observe("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'").equals("0")) {
      try (Connection observer = DriverManager.getConnection(OBSERVER_URL, BenchDatabase.USER,
          BenchDatabase.PASSWORD); Statement create = observer.createStatement()) {
        create.execute("CREATE DATABASE " + database);
      }
    }
  }

  private static String observe(String sql) throws SQLException {
    return query(OBSERVER_URL, sql);
  }

  private static String query(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, BenchDatabase.USER, BenchDatabase.PASSWORD);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  private static String databaseName(String url) {
    String path = url.substring(url.indexOf("//") + 2);
    String name = path.substring(path.indexOf('/') + 1);
    int query = name.indexOf('?');
    return query < 0 ? name : name.substring(0, query);
  }

  private static String withDatabase(String url, String database) {
    String name = databaseName(url);
    int at = url.indexOf("/" + name, url.indexOf("//") + 2);
    return url.substring(0, at + 1) + database + url.substring(at + 1 + name.length());
  }

  private static String describe(Trial trial, int schedules) {
    return String.format(Locale.ROOT, "%.2f s (%.0f firings/s), first recorded +%d ms, %s%s", trial.seconds(),
        schedules / trial.seconds(), trial.firstMillis(), trial.profile(),
        trial.onTime() ? "" : ", VOID: not started 2 s before T");
  }

  private static String row(String who, List<Trial> trials, int schedules) {
    List<Double> rates = trials.stream().map(trial -> schedules / trial.seconds()).sorted().toList();
    StringBuilder each = new StringBuilder();
    for (Trial trial : trials) {
      each.append(String.format(Locale.ROOT, "%s%.2f s (+%d ms)%s", each.length() == 0 ? "" : ", ", trial.seconds(),
          trial.firstMillis(), trial.onTime() ? "" : " VOID"));
    }
    return String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f |", who, each, rates.get(0),
        rates.get(rates.size() / 2), rates.get(rates.size() - 1));
  }

  private static String sluiceSettings() {
    Config config = ConfigFactory.parseMap(SLUICE_POOL).withFallback(ConfigFactory.load());
    SluiceSettings settings = SluiceSettings.from(config);
    ScheduleSettings schedules = ScheduleSettings.from(config, settings.dbPool());
    return "db pool " + POOL + ", " + BenchLimits.describe(settings.dbLimit()) + ", record-batch-size "
        + schedules.recordBatchSize() + ", max-concurrent-runs " + schedules.maxConcurrentRuns();
  }

  private static int dbsThreads() {
    return Integer.getInteger("bench.dbs-threads", 50);
  }

  private static double dbsLower() {
    return Double.parseDouble(System.getProperty("bench.dbs-lower", "2.0"));
  }

  private static double dbsUpper() {
    return Double.parseDouble(System.getProperty("bench.dbs-upper", "6.0"));
  }

  private static int dbsPollMillis() {
    return Integer.getInteger("bench.dbs-poll-ms", 50);
  }
}
