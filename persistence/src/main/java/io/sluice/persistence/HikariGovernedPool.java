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
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link GovernedPool} over HikariCP with {@code minimumIdle = 0}, so that it can drain to zero connections. */
public final class HikariGovernedPool implements GovernedPool {
  private static final Logger log = LoggerFactory.getLogger(HikariGovernedPool.class);
  /** HikariCP ignores (and replaces by 10 minutes) any idle timeout below 10 s. */
  private static final Duration HIKARI_MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final HikariDataSource dataSource;
  private final HikariPoolMXBean poolBean;
  private final ConcurrentHashMap<Long, Slot> slots = new ConcurrentHashMap<>();

  private HikariGovernedPool(String name, HikariDataSource dataSource) {
    this.name = name;
    this.dataSource = dataSource;
    this.poolBean = dataSource.getHikariPoolMXBean();
  }

  /**
   * Opens the pool (failing fast if the database cannot be reached), runs the Flyway migrations when the settings ask
   * for it, and closes the connections that used.
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
    if (database.migrateOnStart()) {
      governed.migrate();
    }
    governed.evictIdle();
    log.info("pool '{}' open: max-size {}, url {}, application_name {}", pool.name(), pool.maxSize(), database.url(),
        pool.applicationName());
    return governed;
  }

  private void migrate() {
    var result = Flyway.configure().loggers("slf4j").dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    log.info("pool '{}': {} migration(s) applied, schema at version {}", name, result.migrationsExecuted,
        result.targetSchemaVersion);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int maxSize() {
    return dataSource.getMaximumPoolSize();
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

  @Override
  public void giveBack(long leaseId, Connection connection) {
    Slot slot = slots.get(leaseId);
    if (slot != null) {
      synchronized (slot) {
        if (slot.connection == connection) {
          slot.connection = null;
        }
      }
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // An aborted connection fails its reset; HikariCP has already marked it broken and will not reuse it.
      log.debug("pool '{}': lease-{} connection closed with error: {}", name, leaseId, e.getMessage());
    }
  }

  @Override
  public boolean retire(long leaseId) {
    Slot slot = slots.remove(leaseId);
    if (slot == null) {
      return false;
    }
    Connection stillOpen;
    synchronized (slot) {
      slot.retired = true;
      stillOpen = slot.connection;
      slot.connection = null;
    }
    if (stillOpen == null) {
      return false;
    }
    try {
      // abort closes the socket even while a statement runs on another thread; HikariCP then sees the connection
      // as broken when it is handed back and evicts it instead of reusing it.
      stillOpen.abort(Runnable::run);
    } catch (SQLException e) {
      log.warn("pool '{}': aborting the connection of lease-{} failed: {}", name, leaseId, e.getMessage());
    }
    return true;
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

  @Override
  public void close() {
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
