package io.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A governed pool's permit limit, sampled every 50 ms while a run lasts: {@code <ms since start>:<limit>}. */
final class LimitTrace implements AutoCloseable {
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> points = new ArrayList<>();
  private int last = -1;

  LimitTrace(GovernedPostgres governed, long startNanos) {
    sampler.scheduleAtFixedRate(() -> {
      int limit = governed.stats().limit();
      synchronized (points) {
        if (limit != last) {
          points.add((System.nanoTime() - startNanos) / 1_000_000 + "ms:" + limit);
          last = limit;
        }
      }
    }, 0, 50, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  String describe() {
    synchronized (points) {
      return String.join(" ", points.size() > 30 ? points.subList(0, 30) : points) + (points.size() > 30 ? " …" : "");
    }
  }
}
