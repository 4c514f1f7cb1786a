package io.sluice.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.config.LimitSettings;
import io.sluice.config.SluiceSettings;
import io.sluice.persistence.JdbcWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Round-trip targets on a cold pool against the real PostgreSQL, Sluice with its shipped settings beside a bare
 * HikariCP pool doing the same transaction (autocommit off, {@code SELECT pg_sleep(0.02)}, commit):
 *
 * <ol>
 *   <li><b>herd</b>: 100 closed-loop requesters on a pool of 30 that was just opened (no warm-up), 10 s: goodput ÷
 *       ideal (30 ÷ 0.02 s = 1,500 ops/s), errors, the most backends of the pool; Sluice with the shipped
 *       {@code default-max-wait} (5 s), the bare pool with {@code connectionTimeout} 5 s. Targets: Sluice ≥ 0.95 of
 *       ideal and ≥ the bare pool, zero errors, ≤ 30 backends.
 *   <li><b>burst</b>: 1,000 requesters at once on a pool of 30 that was just opened, one transaction each: wall time
 *       from the first request to the last one finished, failures; the bare pool with 1,000 threads (started first,
 *       released together) and {@code connectionTimeout} 30 s. Targets: Sluice ≤ 1.05 × the bare pool's wall time,
 *       zero failures.
 * </ol>
 *
 * <p>Each run opens a fresh pool, measures, closes it and waits until its backends are gone before the next pool
 * opens, so a Sluice pool and a bare pool never coexist on the server. Sluice always runs first within a run. Before
 * the first run both code paths are warmed up on small pools of their own (closed before measuring), so run 1 measures
 * a cold pool, not a cold JVM. Only
 * the public facade ({@code Database.withConnection}) is called, so the runner measures whatever the production code
 * on the class path does. System properties:
 *
 * <ul>
 *   <li>{@code bench.runs} (default 3): runs of each measurement, every one printed;
 *   <li>{@code bench.limit} (default {@code default}): Sluice's limit control, see {@link BenchLimits};
 *   <li>{@code bench.scenarios} (default {@code herd,burst}): which measurements to run;
 *   <li>{@code bench.pool} (default 30): pool size of both sides;
 *   <li>{@code bench.herd.requesters} (default 100) and {@code bench.herd.seconds} (default 10);
 *   <li>{@code bench.burst.requesters} (default 1000);
 *   <li>{@code bench.jvm-warmup} (default 3): seconds of JVM warm-up per side before the first measurement, on a
 *       pool of 5 of its own (0 = none).
 * </ul>
 */
public final class ColdPoolRunner {
  private static final int POOL = Integer.getInteger("bench.pool", 30);
  private static final int RUNS = Integer.getInteger("bench.runs", 3);
  private static final String SCENARIOS = System.getProperty("bench.scenarios", "herd,burst");
  private static final int HERD_REQUESTERS = Integer.getInteger("bench.herd.requesters", 100);
  private static final long HERD_SECONDS = Long.getLong("bench.herd.seconds", 10);
  private static final int BURST_REQUESTERS = Integer.getInteger("bench.burst.requesters", 1000);
  private static final double WORK_SECONDS = 0.02;
  private static final JdbcWork<Integer> WORK = BenchWork.sleep(WORK_SECONDS);
  private static final Duration HERD_BARE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration BURST_BARE_TIMEOUT = Duration.ofSeconds(30);
  private static final long JVM_WARMUP = Long.getLong("bench.jvm-warmup", 3);
  private static final int WARMUP_POOL = 5;
  /** How long a closed pool's backends may take to exit. */
  private static final Duration BACKENDS_GONE = Duration.ofSeconds(15);

  private ColdPoolRunner() {}

  public static void main(String[] args) throws Exception {
    SluiceSettings shipped = BenchLimits.shippedSettings(POOL);
    LimitSettings limit = BenchLimits.selected(POOL);
    Duration maxWait = shipped.dbPool().defaultMaxWait();
    int maxConnections = BenchDatabase.maxConnections();
    int inUse = BenchDatabase.clientBackends();
    System.out.printf(Locale.ROOT, "Cold-pool round trips: %s, pool %d, %s, %s%n  Sluice limit: %s; max wait %s"
            + " (shipped default-max-wait)%n  PostgreSQL max_connections %d, client backends in use now %d"
            + " (this check's own included); one pool of %d + 1 sampler at a time%n",
        BenchDatabase.URL, POOL, Machine.describe(), Machine.load(), BenchLimits.describeSelected(POOL),
        maxWait.toMillis() + " ms", maxConnections, inUse, POOL);
    if (inUse + POOL + 1 > maxConnections) {
      throw new IllegalStateException("not enough connections left on the server for a pool of " + POOL);
    }
    warmUpJvm(maxWait);
    if (SCENARIOS.contains("herd")) {
      herd(limit, maxWait);
    }
    if (SCENARIOS.contains("burst")) {
      burst(limit, maxWait);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // [1] cold, DB-bound herd of closed loops

  private static void herd(LimitSettings limit, Duration maxWait) throws Exception {
    double ideal = POOL / WORK_SECONDS;
    System.out.printf(Locale.ROOT, "%n[1] cold DB-bound herd: %d closed-loop requesters, cold pool of %d, transaction"
            + " with SELECT pg_sleep(%s), %d s from the pool's opening (no warm-up); ideal %d / %s s = %.0f ops/s;"
            + " Sluice max wait %d ms, bare connectionTimeout %d ms%n", HERD_REQUESTERS, POOL, WORK_SECONDS,
        HERD_SECONDS, POOL, WORK_SECONDS, ideal, maxWait.toMillis(), HERD_BARE_TIMEOUT.toMillis());
    List<String> rows = new ArrayList<>();
    for (int run = 1; run <= RUNS; run++) {
      String sluiceLoad = Machine.load();
      ClosedLoop.Outcome sluice = onGoverned(limit, maxWait,
          governed -> ClosedLoop.governed(governed, HERD_REQUESTERS, new Window(0, HERD_SECONDS), WORK));
      print(run, sluiceLoad, "Sluice", sluice, ideal);
      String bareLoad = Machine.load();
      ClosedLoop.Outcome bare = onBare(HERD_BARE_TIMEOUT,
          pool -> ClosedLoop.bare(pool, HERD_REQUESTERS, new Window(0, HERD_SECONDS), WORK, true));
      print(run, bareLoad, "bare  ", bare, ideal);
      double sluiceShare = sluice.completed() / (double) HERD_SECONDS / ideal;
      double bareShare = bare.completed() / (double) HERD_SECONDS / ideal;
      System.out.printf(Locale.ROOT, "  run %d: Sluice ÷ bare goodput %.3f | targets: ≥ 0.95 of ideal %s,"
              + " ≥ bare %s, zero errors %s, ≤ %d backends %s%n", run, sluiceShare / bareShare,
          yes(sluiceShare >= 0.95), yes(sluiceShare >= bareShare), yes(sluice.errors().total() == 0), POOL,
          yes(sluice.maxBackends() <= POOL));
      rows.add(String.format(Locale.ROOT, "| %d | %s | %.0f/s | %.3f | %s | %d | %s | %.0f/s | %.3f | %s | %d | %s"
              + " | **%.3f** |", run, loads(sluiceLoad, bareLoad), sluice.completed() / (double) HERD_SECONDS,
          sluiceShare, sluice.errors().describe(), sluice.maxBackends(), waits(sluice.waitMicros()),
          bare.completed() / (double) HERD_SECONDS, bareShare, bare.errors().describe(), bare.maxBackends(),
          waits(bare.waitMicros()), sluiceShare / bareShare));
    }
    System.out.println("\n| run | load (Sluice / bare) | Sluice goodput | ÷ ideal | errors | max backends"
        + " | wait p50 / p99 / max | bare goodput | ÷ ideal | errors | max backends | wait p50 / p99 / max"
        + " | Sluice ÷ bare |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static void print(int run, String load, String side, ClosedLoop.Outcome outcome, double ideal) {
    double goodput = outcome.completed() / (double) HERD_SECONDS;
    System.out.printf(Locale.ROOT, "  run %d %s | %s: goodput %4.0f ops/s = %.3f of ideal | errors %s | wait %s ms"
            + " (p50 / p99 / max) | max backends %d%n", run, side, load, goodput, goodput / ideal,
        outcome.errors().describe(), waits(outcome.waitMicros()), outcome.maxBackends());
    if (!outcome.limitTrace().equals("-")) {
      System.out.println("    limit trace: " + outcome.limitTrace());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // [2] burst of one-shot requesters

  private static void burst(LimitSettings limit, Duration maxWait) throws Exception {
    double idealWall = BURST_REQUESTERS * WORK_SECONDS / POOL;
    System.out.printf(Locale.ROOT, "%n[2] burst: %d requesters at once on a cold pool of %d, one transaction with"
            + " SELECT pg_sleep(%s) each; ideal wall time %d × %s s / %d = %.3f s; Sluice max wait %d ms, bare %d"
            + " threads with connectionTimeout %d ms%n", BURST_REQUESTERS, POOL, WORK_SECONDS, BURST_REQUESTERS,
        WORK_SECONDS, POOL, idealWall, maxWait.toMillis(), BURST_REQUESTERS, BURST_BARE_TIMEOUT.toMillis());
    List<String> rows = new ArrayList<>();
    for (int run = 1; run <= RUNS; run++) {
      String sluiceLoad = Machine.load();
      Herd.Outcome sluice = onGoverned(limit, maxWait,
          governed -> Herd.governed(governed, BURST_REQUESTERS, WORK));
      print(run, sluiceLoad, "Sluice", sluice);
      String bareLoad = Machine.load();
      Herd.Outcome bare = onBare(BURST_BARE_TIMEOUT, pool -> Herd.bare(pool, BURST_REQUESTERS, WORK, true));
      print(run, bareLoad, "bare  ", bare);
      double ratio = sluice.wallSeconds() / bare.wallSeconds();
      System.out.printf(Locale.ROOT, "  run %d: Sluice ÷ bare wall time %.3f | targets: ≤ 1.05 %s,"
          + " zero failures %s%n", run, ratio, yes(ratio <= 1.05), yes(sluice.errors().total() == 0));
      rows.add(String.format(Locale.ROOT, "| %d | %s | %.3f s | %s | %d | %s | %.3f s | %s | %d | %s | **%.3f** |",
          run, loads(sluiceLoad, bareLoad), sluice.wallSeconds(), sluice.errors().describe(), sluice.maxBackends(),
          waits(sluice.waitMicros()), bare.wallSeconds(), bare.errors().describe(), bare.maxBackends(),
          waits(bare.waitMicros()), ratio));
    }
    System.out.println("\n| run | load (Sluice / bare) | Sluice wall | failures | max backends | wait p50 / p99 / max"
        + " | bare wall | failures | max backends | wait p50 / p99 / max | Sluice ÷ bare |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static void print(int run, String load, String side, Herd.Outcome outcome) {
    System.out.printf(Locale.ROOT, "  run %d %s | %s: wall %.3f s | completed %d | failures %s | wait %s ms"
            + " (p50 / p99 / max) | max backends %d%n", run, side, load, outcome.wallSeconds(), outcome.completed(),
        outcome.errors().describe(), waits(outcome.waitMicros()), outcome.maxBackends());
    if (!outcome.limitTrace().equals("-")) {
      System.out.println("    limit trace: " + outcome.limitTrace());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** A measurement on a pool that is opened for it and closed after it. */
  @FunctionalInterface
  private interface OnPool<P, R> {
    R run(P pool) throws Exception;
  }

  /**
   * Opens a fresh Sluice pool of {@link #POOL} (its own actor system), runs {@code measure} on it, closes it and
   * waits until its backends are gone.
   */
  private static <R> R onGoverned(LimitSettings limit, Duration maxWait, OnPool<GovernedPostgres, R> measure)
      throws Exception {
    return onGoverned(POOL, limit, maxWait, measure);
  }

  private static <R> R onGoverned(int size, LimitSettings limit, Duration maxWait,
      OnPool<GovernedPostgres, R> measure) throws Exception {
    GovernedPostgres governed = new GovernedPostgres(size, limit, maxWait);
    try (governed) {
      return measure.run(governed);
    } finally {
      BenchDatabase.awaitNoBackends(governed.applicationName, BACKENDS_GONE);
    }
  }

  /** Opens a fresh bare HikariCP pool of {@link #POOL}, runs {@code measure}, closes it, waits for its backends. */
  private static <R> R onBare(Duration connectionTimeout, OnPool<HikariDataSource, R> measure) throws Exception {
    return onBare(POOL, connectionTimeout, measure);
  }

  private static <R> R onBare(int size, Duration connectionTimeout, OnPool<HikariDataSource, R> measure)
      throws Exception {
    HikariDataSource bare = BarePool.open(size, connectionTimeout, "sluice-bench-bare-");
    try (bare) {
      return measure.run(bare);
    } finally {
      BenchDatabase.awaitNoBackends(BarePool.applicationName(bare), BACKENDS_GONE);
    }
  }

  /**
   * Warms the JVM (class loading, JIT) up on both code paths, on small pools of their own that are closed before any
   * measurement: the measurements are about a cold pool, not a cold JVM.
   */
  private static void warmUpJvm(Duration maxWait) throws Exception {
    if (JVM_WARMUP <= 0) {
      return;
    }
    System.out.printf(Locale.ROOT, "%nJVM warm-up: %d s of SELECT 1 and a 200-request burst of the measured"
        + " transaction on a pool of %d, each side, pools closed afterwards%n", JVM_WARMUP, WARMUP_POOL);
    LimitSettings warmLimit = BenchLimits.selected(WARMUP_POOL);
    onGoverned(WARMUP_POOL, warmLimit, maxWait, governed -> {
      ClosedLoop.governed(governed, 20, new Window(0, JVM_WARMUP), BenchWork.SELECT_1);
      return Herd.governed(governed, 200, WORK);
    });
    onBare(WARMUP_POOL, Duration.ofSeconds(30), pool -> {
      ClosedLoop.bare(pool, 20, new Window(0, JVM_WARMUP), BenchWork.SELECT_1, true);
      return Herd.bare(pool, 200, WORK, true);
    });
  }

  private static String waits(ConcurrentHistogram micros) {
    return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", micros.getValueAtPercentile(50) / 1e3,
        micros.getValueAtPercentile(99) / 1e3, micros.getMaxValue() / 1e3);
  }

  /** The 1-minute load averages before the Sluice and the bare run, as {@code 12.3 / 11.9}. */
  private static String loads(String sluiceLoad, String bareLoad) {
    return String.format(Locale.ROOT, "%s / %s", sluiceLoad.substring("load ".length()),
        bareLoad.substring("load ".length()));
  }

  private static String yes(boolean met) {
    return met ? "met" : "MISSED";
  }
}
