package io.sluice.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A warm-up followed by a measured window. Operations completing inside the window are counted; a requester stops
 * at the end of the window (work in flight then finishes uncounted), so a count divided by the window's length is
 * a rate. A warm-up of 0 measures from the start (a cold pool).
 */
final class Window {
  final long start;
  final long end;
  final long seconds;
  final AtomicLong completed = new AtomicLong();

  Window(long warmupSeconds, long seconds) {
    this.seconds = seconds;
    start = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
    end = start + Duration.ofSeconds(seconds).toNanos();
  }

  boolean over() {
    return System.nanoTime() >= end;
  }

  /** Whether a request made at {@code askedNanos} belongs to the measurement. */
  boolean measuring(long askedNanos) {
    return askedNanos >= start;
  }

  void completed() {
    long now = System.nanoTime();
    if (now >= start && now < end) {
      completed.incrementAndGet();
    }
  }

  /** Completed operations per second of the window. */
  double rate() {
    return completed.get() / (double) seconds;
  }
}
