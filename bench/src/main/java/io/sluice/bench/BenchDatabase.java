package io.sluice.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PostgreSQL the runners measure against, from the environment, and a sampler of a pool's backends. The default
 * database is {@code sluice_bench}, not the tests' {@code test}: what an interrupted run leaves (campaigns, unprocessed
 * provider events, pending deliveries) must not become the next test run's start-up work.
 */
final class BenchDatabase {
  static final String URL = env("SLUICE_BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/sluice_bench");
  static final String USER = env("SLUICE_BENCH_DB_USER", "postgres");
  static final String PASSWORD = env("SLUICE_BENCH_DB_PASSWORD", "postgres");

  private BenchDatabase() {}

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /**
   * The database and whether PostgreSQL's autovacuum runs. Without it the lead and webhook tables' dead row versions
   * pile up and every due-work read scans them: a 100,000-lead campaign ran at 130 leads/s with it off against
   * ~1,000 with it on (docs/BENCHMARKS.md §7), so a run says which it had.
   */
  static String describe() {
    try (Connection observer = DriverManager.getConnection(URL, USER, PASSWORD);
        Statement statement = observer.createStatement();
        ResultSet row = statement.executeQuery("SELECT current_setting('server_version'),"
            + " current_setting('autovacuum')")) {
      row.next();
      String autovacuum = row.getString(2);
      return URL + " (PostgreSQL " + row.getString(1) + ", autovacuum " + autovacuum
          + ("on".equals(autovacuum) ? ")" : "; WARNING: the figures will not match docs/BENCHMARKS.md)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code SHOW max_connections}. */
  static int maxConnections() {
    try (Connection observer = DriverManager.getConnection(URL, USER, PASSWORD);
        Statement statement = observer.createStatement();
        ResultSet row = statement.executeQuery("SHOW max_connections")) {
      row.next();
      return Integer.parseInt(row.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client backends of the whole server now (every application, this query's own included). */
  static int clientBackends() {
    return count(null);
  }

  /**
   * Waits until no backend of {@code applicationName} is left (a closed pool's backends exit shortly after its
   * connections close), so that the next pool never coexists with it.
   *
   * @throws IllegalStateException if some are still there after {@code timeout}
   */
  static void awaitNoBackends(String applicationName, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int left;
    while ((left = count(applicationName)) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(left + " backends of " + applicationName + " still open after " + timeout);
      }
      Thread.sleep(20);
    }
  }

  private static int count(String applicationName) {
    String sql = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        + (applicationName == null ? "" : " AND application_name = ?");
    try (Connection observer = DriverManager.getConnection(URL, USER, PASSWORD);
        PreparedStatement count = observer.prepareStatement(sql)) {
      if (applicationName != null) {
        count.setString(1, applicationName);
      }
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Counts the backends of one {@code application_name} (or of every name with a prefix) every few milliseconds until
   * stopped; answers the maximum and keeps every count.
   */
  static final class BackendSampler implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CompletableFuture<Integer> max;
    /** Written by the sampling thread only; read after {@link #stop()} has joined it. */
    private int[] counts = new int[1024];
    private int sampled;

    BackendSampler(String applicationName) {
      this(applicationName, Duration.ofMillis(2));
    }

    BackendSampler(String applicationName, Duration every) {
      this("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", applicationName, every);
    }

    /** The backends of every {@code application_name} that starts with {@code prefix} (a cluster's nodes' pools). */
    static BackendSampler withPrefix(String prefix, Duration every) {
      return new BackendSampler("SELECT count(*) FROM pg_stat_activity WHERE starts_with(application_name, ?)",
          prefix, every);
    }

    /**
     * Counts on a thread of its own: the loop runs for the whole measurement, and on the JVM's common pool it would
     * take one of the threads the measured service's asynchronous continuations need (with a parallelism of 2, two
     * samplers starved the service completely).
     *
     * @param every the pause between two counts: each count is itself a query the database has to answer
     */
    private BackendSampler(String query, String name, Duration every) {
      max = new CompletableFuture<>();
      Thread sampler = new Thread(() -> {
        try {
          max.complete(sample(query, name, every));
        } catch (RuntimeException e) {
          max.completeExceptionally(e);
        }
      }, "backend-sampler-" + name);
      sampler.setDaemon(true);
      sampler.start();
    }

    private int sample(String query, String name, Duration every) {
      int seen = 0;
      try (Connection observer = DriverManager.getConnection(URL, USER, PASSWORD);
          PreparedStatement count = observer.prepareStatement(query)) {
        count.setString(1, name);
        while (running.get()) {
          try (ResultSet row = count.executeQuery()) {
            row.next();
            int now = row.getInt(1);
            seen = Math.max(seen, now);
            if (sampled == counts.length) {
              counts = Arrays.copyOf(counts, 2 * sampled);
            }
            counts[sampled++] = now;
          }
          Thread.sleep(every.toMillis());
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return seen;
    }

    int stop() {
      running.set(false);
      return max.join();
    }

    /** Every count, in order; only after {@link #stop()}. */
    int[] counts() {
      if (!max.isDone()) {
        throw new IllegalStateException("still sampling");
      }
      return Arrays.copyOf(counts, sampled);
    }

    @Override
    public void close() {
      running.set(false);
    }
  }
}
