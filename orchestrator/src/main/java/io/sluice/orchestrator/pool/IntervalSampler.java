package io.sluice.orchestrator.pool;

/**
 * Accumulates what one evaluation interval showed and turns it into a {@link LimitSample}: the time integral of
 * granted permits (for utilisation), completions, the query latency of those that measured one, failures and
 * wait time-outs.
 *
 * <p>Not thread-safe: owned by one actor.
 */
final class IntervalSampler {
  private long start;
  private long lastGrantedChange;
  private long grantedNanos;
  private long completions;
  private long latencySamples;
  private long busyNanos;
  private long failures;
  private long timeouts;
  private boolean active;

  /** Begins a new interval at {@code now}, forgetting the last one. */
  void start(long now) {
    start = now;
    lastGrantedChange = now;
    grantedNanos = 0;
    completions = 0;
    latencySamples = 0;
    busyNanos = 0;
    failures = 0;
    timeouts = 0;
    active = false;
  }

  /** Integrates the granted permits up to {@code now}; call before the number granted changes. */
  void grantedChanging(long now, int grantedBefore) {
    active = true;
    grantedNanos += grantedBefore * (now - lastGrantedChange);
    lastGrantedChange = now;
  }

  /**
   * A lease ended.
   *
   * @param busy query latency measured by the holder, or a negative value when the work measured none (the
   *     connection could not even be opened): such a completion counts for the failure rate, not for latency
   */
  void completed(long busy, boolean failed) {
    completions++;
    if (busy >= 0) {
      latencySamples++;
      busyNanos += busy;
    }
    if (failed) {
      failures++;
    }
  }

  void timedOut() {
    timeouts++;
  }

  /** Whether anything was granted or given back since the interval began. */
  boolean active() {
    return active;
  }

  /** The interval ending at {@code now}; starts the next one. */
  LimitSample sampleAndRestart(long now, int limit, int granted, int waiting, long oldestWaitNanos) {
    grantedChanging(now, granted);
    long elapsed = Math.max(1, now - start);
    LimitSample sample = new LimitSample(now, limit, (double) grantedNanos / ((double) elapsed * limit), waiting,
        oldestWaitNanos, completions, latencySamples == 0 ? 0 : busyNanos / latencySamples, failures, timeouts);
    start(now);
    return sample;
  }
}
