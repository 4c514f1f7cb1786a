package io.sluice.persistence.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.JournalPoolSettings;
import io.sluice.persistence.Vendor;
import io.sluice.protocols.journal.JournalPoolStats;
import io.sluice.protocols.permit.PoolStats;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool Akka Persistence JDBC writes events and snapshots and replays them through: one HikariCP pool for the
 * journal, the snapshot store (and the read journal and durable-state store, should they ever be used), served to them
 * by {@link SluiceSlickDatabaseProvider}. It is Sluice's, not the plugin's: opened before the actor system, sized by
 * {@code sluice.pools.journal.max-size} within the connection budget, with {@code minimumIdle = 0} and its own
 * {@code application_name}, and closed after the actor system has terminated.
 *
 * <p><b>It drains to zero.</b> When no connection has been borrowed for {@code sluice.pools.journal.idle-timeout}, every
 * idle connection is closed at once (see {@link DrainingDataSource}); HikariCP's own idle eviction, which cannot go
 * below 10 s and runs only on its 30 s housekeeping tick, stays as a backstop. That is only worth something because
 * nothing borrows while the service is idle: the journal and snapshot store query only when an entity persists,
 * recovers or snapshots. Sluice therefore uses <b>no persistence queries by tag and no projections</b> on this database:
 * the first {@code eventsByTag} or {@code currentEventsByTag} starts the read journal's sequence actor, which polls
 * {@code event_journal} every second for the life of the actor system, and a projection polls on its own; either
 * would keep a connection open forever. Read-side tables are written by the entities themselves, through permits.
 *
 * <p><b>It can be suspended.</b> A node on the minority side of a partition ({@code NodeBudget} in the orchestrator)
 * closes it with {@link #suspend} until it reaches a majority again ({@link #resume}): its idle connections close at
 * once, borrowed ones as they are handed back, and every borrow fails at once with the reason, so the journal's
 * writes, replays and snapshots fail (an entity whose persist or recovery fails stops, as Akka Persistence does by
 * default). {@link #stats()} shows it.
 */
public final class JournalPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalPool.class);
  /** HikariCP ignores (and replaces by 10 minutes) any idle timeout below 10 s. */
  private static final Duration HIKARI_MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final Vendor vendor;
  private final HikariDataSource hikari;
  private final HikariPoolMXBean poolBean;
  private final DrainingDataSource dataSource;

  private JournalPool(String name, Vendor vendor, HikariDataSource hikari, Duration idleTimeout) {
    this.name = name;
    this.vendor = vendor;
    this.hikari = hikari;
    this.poolBean = hikari.getHikariPoolMXBean();
    this.dataSource = new DrainingDataSource(name, hikari, idleTimeout);
  }

  /**
   * Opens the pool, failing fast if the database cannot be reached, and closes the connection that check opened. It
   * does not create the journal's tables: {@link io.sluice.persistence.Migrations} does (V3).
   *
   * @throws IllegalArgumentException if the URL is neither PostgreSQL nor H2
   */
  public static JournalPool open(DatabaseSettings database, JournalPoolSettings settings) {
    Vendor vendor = Vendor.of(database.url());
    HikariConfig config = new HikariConfig();
    config.setPoolName("sluice-" + settings.name());
    config.setJdbcUrl(database.url());
    config.setUsername(database.user());
    config.setPassword(database.password());
    config.setMaximumPoolSize(settings.maxSize());
    config.setMinimumIdle(0);
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.setIdleTimeout(max(settings.idleTimeout(), HIKARI_MIN_IDLE_TIMEOUT).toMillis());
    if (vendor == Vendor.POSTGRESQL) {
      config.addDataSourceProperty("ApplicationName", settings.applicationName());
    }
    JournalPool pool = new JournalPool(settings.name(), vendor, new HikariDataSource(config), settings.idleTimeout());
    pool.dataSource.drainNow();
    log.info("pool '{}' open: max-size {}, idle-timeout {}, url {}, application_name {}", settings.name(),
        settings.maxSize(), settings.idleTimeout(), database.url(), settings.applicationName());
    return pool;
  }

  public String name() {
    return name;
  }

  /** Which database it reaches, so the journal plugin gets the matching Slick profile. */
  public Vendor vendor() {
    return vendor;
  }

  /** Physical connections the pool may open. */
  public int maxSize() {
    return hikari.getMaximumPoolSize();
  }

  /** Connections borrowed since the pool opened. */
  public long borrows() {
    return dataSource.borrows();
  }

  public PoolStats.Physical physical() {
    return new PoolStats.Physical(maxSize(), poolBean.getActiveConnections(), poolBean.getIdleConnections(),
        poolBean.getTotalConnections());
  }

  public JournalPoolStats stats() {
    PoolStats.Physical physical = physical();
    int borrowed = dataSource.borrowed();
    List<String> timers = dataSource.drainArmed() ? List.of(DrainingDataSource.IDLE_DRAIN_TIMER) : List.of();
    String suspendedFor = dataSource.suspendedFor();
    return new JournalPoolStats(name, physical, borrowed, dataSource.borrows(), dataSource.drains(), timers,
        borrowed == 0 && physical.total() == 0 && timers.isEmpty(), suspendedFor != null, suspendedFor,
        dataSource.refusedBorrows());
  }

  /**
   * Closes the pool's door until {@link #resume}: every idle connection is closed now, every borrowed one when it is
   * handed back, and every borrow fails at once with an {@link java.sql.SQLTransientConnectionException} naming
   * {@code reason}. Suspending a suspended pool only changes the reason.
   */
  public void suspend(String reason) {
    if (dataSource.suspend(reason)) {
      log.warn("journal pool suspended: pool={} borrowed={} reason={}", name, dataSource.borrowed(), reason);
    }
  }

  /** Opens the door again: borrows succeed, connections open on demand. Does nothing if the pool is not suspended. */
  public void resume() {
    if (dataSource.resume()) {
      log.info("journal pool resumed: pool={} refused-borrows={}", name, dataSource.refusedBorrows());
    }
  }

  /** What the journal plugin borrows from; persistence-internal, so that no other code can reach a connection. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Closes every connection. Call it only after the actor system has terminated: the plugin stops using it then. */
  @Override
  public void close() {
    dataSource.close();
    hikari.close();
    log.info("pool '{}' closed", name);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
