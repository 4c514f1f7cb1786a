package io.sluice.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.PoolSettings;
import io.sluice.protocols.permit.PoolStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link GovernedPool} over HikariCP with {@code minimumIdle = 0}, so that it can drain to zero connections. */
public final class HikariGovernedPool implements GovernedPool {
  private static final Logger log = LoggerFactory.getLogger(HikariGovernedPool.class);
  /** HikariCP ignores (and replaces by 10 minutes) any idle timeout below 10 s. */
  private static final Duration HIKARI_MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
  /** How long {@link #close} waits for the aborts of retired connections (a cancel is a network round trip). */
  private static final Duration RETIRED_ABORTS_ON_CLOSE = Duration.ofSeconds(3);

  private final String name;
  private final HikariDataSource dataSource;
  private final HikariPoolMXBean poolBean;
  private final ConcurrentHashMap<Long, Slot> slots = new ConcurrentHashMap<>();
  /** Connections retired while checked out: evicted, never returned to the pool, when their user hands them back. */
  private final Set<Connection> doomed = ConcurrentHashMap.newKeySet();
  /** Resized to 0: every connection handed back is closed, none is kept idle. */
  private volatile boolean closed;
  /** Cancels and aborts retired connections off the supervisor's thread: a cancel request is network I/O. */
  private final ExecutorService aborter;

  private HikariGovernedPool(String name, HikariDataSource dataSource) {
    this.name = name;
    this.dataSource = dataSource;
    this.poolBean = dataSource.getHikariPoolMXBean();
    this.aborter = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "sluice-" + name + "-aborter");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Opens the pool, failing fast if the database cannot be reached. It does not migrate the schema: run {@link
   * Migrations} first when start-up should.
   */
  public static HikariGovernedPool open(DatabaseSettings database, PoolSettings pool) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("sluice-" + pool.name());
    config.setJdbcUrl(database.url());
    config.setUsername(database.user());
    config.setPassword(database.password());
    config.setMaximumPoolSize(pool.maxSize());
    config.setMinimumIdle(0);
    config.setConnectionTimeout(pool.connectionTimeout().toMillis());
    config.setIdleTimeout(max(pool.idleTimeout(), HIKARI_MIN_IDLE_TIMEOUT).toMillis());
    config.setAutoCommit(true);
    if (!database.isH2()) {
      config.addDataSourceProperty("ApplicationName", pool.applicationName());
    }
    HikariGovernedPool governed = new HikariGovernedPool(pool.name(), new HikariDataSource(config));
    governed.evictIdle();
    log.info("pool '{}' open: max-size {}, url {}, application_name {}", pool.name(), pool.maxSize(), database.url(),
        pool.applicationName());
    return governed;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int maxSize() {
    return closed ? 0 : dataSource.getMaximumPoolSize();
  }

  @Override
  public void admit(long leaseId) {
    slots.put(leaseId, new Slot());
  }

  @Override
  public boolean isAdmitted(long leaseId) {
    return slots.containsKey(leaseId);
  }

  @Override
  public Connection connectionFor(long leaseId) throws SQLException {
    Slot slot = slots.get(leaseId);
    if (slot == null) {
      throw new LeaseNotAdmittedException(name, leaseId);
    }
    synchronized (slot) {
      if (slot.connection != null) {
        return slot.connection;
      }
    }
    Connection connection = dataSource.getConnection();
    synchronized (slot) {
      if (!slot.retired) {
        slot.connection = connection;
        return connection;
      }
    }
    connection.close();
    throw new LeaseNotAdmittedException(name, leaseId);
  }

  /**
   * Whether the connection goes back into the pool or is evicted is decided under the slot's lock, where {@link
   * #retire} decides whether to abort it: exactly one of them owns it. A slot already gone from the map was retired,
   * and its retirement added the connection to {@link #doomed} (under the lock) before removing the slot.
   */
  @Override
  public void giveBack(long leaseId, Connection connection) {
    if (handBack(leaseId, connection) && !closed) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("pool '{}': lease-{} connection closed with error: {}", name, leaseId, e.getMessage());
      }
    } else {
      // Its abort may still be on its way: make sure HikariCP never hands it out again.
      dataSource.evictConnection(connection);
    }
  }

  /** True if the lease still owned the connection (it may return to the pool), false if a retirement took it. */
  private boolean handBack(long leaseId, Connection connection) {
    Slot slot = slots.get(leaseId);
    if (slot == null) {
      return !doomed.remove(connection);
    }
    synchronized (slot) {
      if (slot.connection == connection) {
        slot.connection = null;
        return true;
      }
      return !doomed.remove(connection);
    }
  }

  @Override
  public boolean retire(long leaseId) {
    Slot slot = slots.get(leaseId);
    if (slot == null) {
      return false;
    }
    Connection stillOpen;
    synchronized (slot) {
      slot.retired = true;
      stillOpen = slot.connection;
      slot.connection = null;
      if (stillOpen != null) {
        // Before the slot leaves the map, so a hand-back that no longer finds the slot finds the connection here.
        doomed.add(stillOpen);
      }
    }
    slots.remove(leaseId, slot);
    if (stillOpen == null) {
      return false;
    }
    aborter.execute(() -> cancelAndAbort(leaseId, stillOpen));
    return true;
  }

  /** Connections retired while checked out and not yet handed back. */
  int doomedCount() {
    return doomed.size();
  }

  /**
   * Cancels the running statement (PostgreSQL does not notice a closed socket while a query runs, so the backend would
   * live on), then aborts the connection: HikariCP sees it broken when it is handed back and evicts it.
   */
  private void cancelAndAbort(long leaseId, Connection connection) {
    try {
      if (connection.isWrapperFor(PGConnection.class)) {
        connection.unwrap(PGConnection.class).cancelQuery();
      }
    } catch (SQLException e) {
      log.debug("pool '{}': cancelling the statement of lease-{} failed: {}", name, leaseId, e.getMessage());
    }
    try {
      connection.abort(Runnable::run);
    } catch (SQLException e) {
      log.warn("pool '{}': aborting the connection of lease-{} failed: {}", name, leaseId, e.getMessage());
    }
  }

  @Override
  public void resize(int maxSize) {
    if (maxSize < 0) {
      throw new IllegalArgumentException("pool '" + name + "' cannot shrink below 0 connections, asked " + maxSize);
    }
    int before = maxSize();
    // HikariCP's smallest pool is 1: size 0 is a closed door in front of it (see maxSize and giveBack).
    closed = maxSize == 0;
    dataSource.getHikariConfigMXBean().setMaximumPoolSize(Math.max(1, maxSize));
    if (maxSize < before) {
      // HikariCP has no "close n idle connections": all idle ones go now (busy ones when handed back), and the pool
      // opens again on demand, up to the new size.
      poolBean.softEvictConnections();
    }
    log.info("pool '{}' resized: max-size {} -> {}", name, before, maxSize);
  }

  @Override
  public void evictIdle() {
    poolBean.softEvictConnections();
  }

  @Override
  public PoolStats.Physical physical() {
    return new PoolStats.Physical(maxSize(), poolBean.getActiveConnections(), poolBean.getIdleConnections(),
        poolBean.getTotalConnections());
  }

  /**
   * Lets the cancels and aborts of leases retired just before (at shutdown: all of them) finish first, within a bound:
   * HikariCP's own close aborts connections still in use without cancelling their statements, and PostgreSQL would
   * keep such a backend running until its statement ends.
   */
  @Override
  public void close() {
    aborter.shutdown();
    try {
      if (!aborter.awaitTermination(RETIRED_ABORTS_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("pool '{}': retired connections still being aborted after {}; closing anyway", name,
            RETIRED_ABORTS_ON_CLOSE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dataSource.close();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static final class Slot {
    private Connection connection;
    private boolean retired;
  }
}
