package io.sluice.orchestrator.it;

import io.sluice.orchestrator.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, every 100 ms on a connection of its own, the backends in {@code pg_stat_activity} whose {@code
 * application_name} starts with a prefix (a cluster's nodes' pools), and keeps the most it saw.
 */
public final class BackendSampler implements AutoCloseable {
  private final AtomicBoolean sampling = new AtomicBoolean(true);
  private final AtomicInteger max = new AtomicInteger();
  private final AtomicLong samples = new AtomicLong();
  private final Thread thread;

  public BackendSampler(String applicationNamePrefix) {
    thread = new Thread(() -> {
      try (Connection observer = TestDatabase.observer();
          PreparedStatement count = observer.prepareStatement(
              "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE ?")) {
        count.setString(1, applicationNamePrefix + "%");
        while (sampling.get()) {
          try (ResultSet row = count.executeQuery()) {
            row.next();
            max.accumulateAndGet(row.getInt(1), Math::max);
            samples.incrementAndGet();
          }
          Thread.sleep(100);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "backend-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** The most backends seen in one sample so far. */
  public int max() {
    return max.get();
  }

  public long samples() {
    return samples.get();
  }

  @Override
  public void close() throws InterruptedException {
    sampling.set(false);
    thread.join(5_000);
  }
}
