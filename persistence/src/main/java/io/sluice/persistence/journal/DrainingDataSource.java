package io.sluice.persistence.journal;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The journal pool's HikariCP DataSource as Slick sees it, plus the bookkeeping that lets it drain. Every borrow
 * disarms the pending drain; the return of the last borrowed connection arms one single-shot drain, which closes every
 * idle connection ({@code softEvictConnections}) unless something was borrowed meanwhile. So a busy pool has no drain
 * timer (nothing is armed while a connection is out), and an idle one, once drained, has neither a connection nor a
 * timer: the timer thread itself ends one idle timeout after the drain.
 *
 * <p>A connection counts as returned on its first {@code close()} or {@code abort()}; later calls are passed on to
 * HikariCP but not counted again.
 *
 * <p><b>Suspended</b> (a node cut off from its cluster's budget), the pool's door is closed, as a governed pool's is at
 * size 0: every idle connection is closed at once, a connection handed back is closed rather than kept (evicted from
 * HikariCP right after its return), and a borrow fails at once with the reason instead of waiting for HikariCP's
 * connection timeout. A borrow already under way when the door closes is a borrowed connection like the others: used,
 * then closed when handed back. No drain is armed meanwhile: there is nothing left to drain.
 */
final class DrainingDataSource implements DataSource {
  static final String IDLE_DRAIN_TIMER = "idle-drain";

  private final String name;
  private final HikariDataSource pool;
  private final long idleTimeoutNanos;
  private final ScheduledThreadPoolExecutor timer;
  // All guarded by this.
  private int borrowed;
  private long borrows;
  private long drains;
  /** Identifies the drain armed last; a borrow moves it on, so an older drain that still fires does nothing. */
  private long generation;
  private ScheduledFuture<?> armed;
  private boolean closed;
  /** Why the pool is suspended; null while it is open. */
  private String suspendedFor;
  private long refusedBorrows;

  DrainingDataSource(String name, HikariDataSource pool, Duration idleTimeout) {
    this.name = name;
    this.pool = pool;
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "sluice-" + name + "-drain");
      thread.setDaemon(true);
      return thread;
    });
    // A disarmed drain leaves the queue at once, and the thread ends once the queue has been empty for a keep-alive.
    // A keep-alive as long as the idle timeout also spares the thread from waking up while it waits for an armed
    // drain (it would wake once per keep-alive otherwise).
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(Math.max(idleTimeoutNanos, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
    timer.allowCoreThreadTimeOut(true);
  }

  @Override
  public Connection getConnection() throws SQLException {
    borrowing();
    try {
      return tracked(pool.getConnection());
    } catch (SQLException | RuntimeException e) {
      returned();
      throw e;
    }
  }

  /** The pool has one set of credentials: HikariCP refuses this too. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the " + name + " pool has its own credentials");
  }

  private synchronized void borrowing() throws SQLException {
    if (suspendedFor != null) {
      refusedBorrows++;
      throw suspended();
    }
    borrowed++;
    borrows++;
    generation++;
    if (armed != null) {
      armed.cancel(false);
      armed = null;
    }
  }

  private SQLException suspended() {
    return new SQLTransientConnectionException("the " + name + " pool is suspended: " + suspendedFor);
  }

  /** A borrowed connection came back (its close or abort has run): while suspended it is closed, not kept. */
  private synchronized void handedBack(Connection connection) {
    if (suspendedFor != null) {
      // Its close put it back among HikariCP's idle connections: this closes it, on HikariCP's closer thread. Decided
      // under the lock suspend() takes, so a connection handed back just before is closed by suspend() instead.
      pool.evictConnection(connection);
    }
    returned();
  }

  private synchronized void returned() {
    borrowed--;
    if (borrowed == 0 && !closed && suspendedFor == null) {
      long drain = ++generation;
      armed = timer.schedule(() -> drainIfStillIdle(drain), idleTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Under the lock, so a borrow either comes first (and this does nothing) or finds the drain done. */
  private synchronized void drainIfStillIdle(long drain) {
    if (drain != generation || borrowed != 0 || closed) {
      return;
    }
    armed = null;
    drains++;
    // Closes idle connections on HikariCP's own closer thread: quick, no network I/O under this lock.
    pool.getHikariPoolMXBean().softEvictConnections();
  }

  /**
   * Closes the door (see the class comment): idle connections are closed now, borrowed ones as they are handed back.
   * Suspending a suspended pool only changes the reason.
   *
   * @return false if it was suspended already
   */
  synchronized boolean suspend(String reason) {
    boolean wasOpen = suspendedFor == null;
    suspendedFor = reason;
    drainNow();
    return wasOpen;
  }

  /**
   * Opens the door again; connections are opened on demand, as after a drain.
   *
   * @return false if it was not suspended
   */
  synchronized boolean resume() {
    boolean wasSuspended = suspendedFor != null;
    suspendedFor = null;
    return wasSuspended;
  }

  /** Why the pool is suspended; null while it is open. */
  synchronized String suspendedFor() {
    return suspendedFor;
  }

  /** Borrows refused because the pool was suspended, since it opened. */
  synchronized long refusedBorrows() {
    return refusedBorrows;
  }

  /** Closes every idle connection now and disarms the drain, as after an idle timeout (used once the pool opened). */
  synchronized void drainNow() {
    generation++;
    if (armed != null) {
      armed.cancel(false);
      armed = null;
    }
    pool.getHikariPoolMXBean().softEvictConnections();
  }

  synchronized int borrowed() {
    return borrowed;
  }

  synchronized long borrows() {
    return borrows;
  }

  synchronized long drains() {
    return drains;
  }

  synchronized boolean drainArmed() {
    return armed != null;
  }

  /** Stops the timer; HikariCP's pool is closed by its owner. */
  synchronized void close() {
    closed = true;
    timer.shutdownNow();
  }

  private Connection tracked(Connection connection) {
    AtomicBoolean returned = new AtomicBoolean();
    return (Connection) Proxy.newProxyInstance(DrainingDataSource.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
          case "close", "abort" -> {
            try {
              yield invoke(connection, method, args);
            } finally {
              if (returned.compareAndSet(false, true)) {
                handedBack(connection);
              }
            }
          }
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> invoke(connection, method, args);
        });
  }

  private static Object invoke(Connection target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  /** Never unwraps to HikariCP's DataSource: a borrow that bypassed this class would not be counted. */
  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("the " + name + " pool's DataSource wraps nothing it hands out");
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
