package io.sluice.orchestrator.pool;

import io.sluice.config.LimitSettings;
import java.util.ArrayDeque;

/**
 * The grow and shrink rules every adaptive algorithm shares, and the latency baseline they compare against.
 *
 * <p>Shrinking continues only while it helps: after a shrink, if the next interval's latency stayed the same, the
 * slowness is not caused by this pool's concurrency (a slow database, a latency step) and fewer permits would only
 * cut goodput and make waiters time out, so the limit holds until the congestion clears. If the next interval
 * completed clearly less work, the shrink bought latency with throughput: it is undone, and the limit holds too.
 *
 * <p>The baseline is the lowest interval mean query time within the baseline window. A minimum, unlike an average,
 * does not creep upward while steady overload keeps latency high, so a limit that waits for "latency stable" cannot
 * ratchet itself up (the flaw of Gradient2's averaged long-term RTT).
 */
final class CongestionSignals {
  private final LimitSettings settings;
  private final long windowNanos;
  /** (time, mean) pairs of recent intervals, in time order, kept as a monotonic deque of minima. */
  private final ArrayDeque<long[]> minima = new ArrayDeque<>();
  /** Mean query time of the interval that triggered the last shrink; 0 when the last interval did not shrink. */
  private long latencyAtLastShrink;
  /** Completions of the interval that triggered the last shrink; 0 when the last interval did not shrink. */
  private long completionsAtLastShrink;
  /**
   * Set once a shrink did not bring latency down or cost throughput; cleared when the congestion clears, or when latency
   * rises well beyond where it was then (the load changed, and shrinking may help again).
   */
  private boolean shrinkingDidNotHelp;
  private long latencyWhenShrinkingStopped;

  /** A shrink that leaves fewer than this share of the completions cost throughput: it is undone. */
  private static final double THROUGHPUT_KEPT = 0.95;

  /**
   * Latency within this share of its value at the last shrink counts as unchanged: that shrink did not help. (Latency
   * that got worse means the load changed, and shrinking may still help.)
   */
  private static final double UNCHANGED = 0.05;

  CongestionSignals(LimitSettings settings) {
    this.settings = settings;
    this.windowNanos = settings.baselineWindow().toNanos();
  }

  /**
   * Feeds the interval's latency into the baseline; call once per sample before asking the rules. An interval in which
   * work waited can lower the baseline but never raise it, and old minima expire only once a newer one replaces them:
   * otherwise steady overload, outlasting the window, would become the new normal and let the limit creep up.
   */
  void observe(LimitSample sample) {
    while (minima.size() > 1 && minima.peekFirst()[0] < sample.nowNanos() - windowNanos) {
      minima.pollFirst();
    }
    if (sample.meanBusyNanos() <= 0) {
      return;
    }
    boolean uncongested = !sample.demandExceedsLimit();
    if (!uncongested && !minima.isEmpty() && sample.meanBusyNanos() > baselineNanos()) {
      return;
    }
    while (!minima.isEmpty() && minima.peekLast()[1] >= sample.meanBusyNanos()) {
      minima.pollLast();
    }
    minima.addLast(new long[] {sample.nowNanos(), sample.meanBusyNanos()});
    if (minima.peekFirst()[0] < sample.nowNanos() - windowNanos) {
      minima.pollFirst();
    }
  }

  /**
   * Feeds the mean latency of work known to run uncontended (slow start's first completions at its initial limit):
   * a baseline candidate like an uncongested interval's mean, so that a slow start that overshoots within one round
   * trip is measured against the latency before the overshoot.
   */
  void observeUncontended(long nowNanos, long meanNanos) {
    observe(new LimitSample(nowNanos, 0, 0, 0, 0, 1, meanNanos, 0, 0));
  }

  /** The lowest interval mean query time within the window, or 0 before any completion. */
  long baselineNanos() {
    return minima.isEmpty() ? 0 : minima.peekFirst()[1];
  }

  boolean latencyRising(LimitSample sample) {
    long baseline = baselineNanos();
    return sample.completions() > 0 && baseline > 0
        && sample.meanBusyNanos() > baseline * settings.latencyTolerance();
  }

  /**
   * Any sign that more permits would hurt: rising latency or failing work. Wait time-outs alone are not: at baseline
   * latency they mean too few permits, not too many, and treating them as congestion would pin impatient callers'
   * pool at its floor (fewer permits, more time-outs, fewer permits).
   */
  boolean congested(LimitSample sample) {
    return latencyRising(sample)
        || (sample.completions() > 0 && sample.failureRate() >= settings.failureRateThreshold());
  }

  /**
   * Ask first on every sample: true if it is the one right after a shrink and that shrink cost throughput (fewer
   * completions than the interval that triggered it, by more than 5 %). Fewer permits then only move the wait from the
   * database to the queue (the database was not the bottleneck: think of round-trip overhead outside the query), so
   * the algorithm undoes the shrink, and shrinking holds as when it does not bring latency down.
   */
  boolean shrinkCostThroughput(LimitSample sample) {
    long before = completionsAtLastShrink;
    completionsAtLastShrink = 0;
    if (before == 0 || sample.completions() >= before * THROUGHPUT_KEPT) {
      return false;
    }
    stopShrinking(sample);
    latencyAtLastShrink = 0;
    return true;
  }

  /** Shrink only when the pool is busy and congested, and only while shrinking brings latency down. */
  boolean shouldShrink(LimitSample sample) {
    if (!congested(sample)) {
      shrinkingDidNotHelp = false;
      latencyAtLastShrink = 0;
      return false;
    }
    if (shrinkingDidNotHelp && sample.meanBusyNanos() > latencyWhenShrinkingStopped * settings.latencyTolerance()) {
      shrinkingDidNotHelp = false;
    }
    if (latencyAtLastShrink > 0 && sample.meanBusyNanos() >= latencyAtLastShrink * (1 - UNCHANGED)
        && sample.meanBusyNanos() <= latencyAtLastShrink * (1 + UNCHANGED)) {
      stopShrinking(sample);
    }
    latencyAtLastShrink = 0;
    return sample.utilisation() >= settings.shrinkUtilisation() && !shrinkingDidNotHelp;
  }

  private void stopShrinking(LimitSample sample) {
    shrinkingDidNotHelp = true;
    latencyWhenShrinkingStopped = Math.max(1, sample.meanBusyNanos());
  }

  /** The algorithm shrank on this sample: the next sample tells whether that helped. */
  void shrank(LimitSample sample) {
    latencyAtLastShrink = Math.max(1, sample.meanBusyNanos());
    completionsAtLastShrink = sample.completions();
  }

  /**
   * Grow only while work waits or gave up waiting, the permits are really used (the pool, not the application, is the
   * bottleneck) and there is no sign of congestion.
   */
  boolean shouldGrow(LimitSample sample) {
    return sample.demandExceedsLimit() && sample.utilisation() >= settings.growUtilisation() && !congested(sample);
  }

  /** Whether one completion's latency looks healthy: within the tolerance of the baseline, or of {@code reference}. */
  boolean healthyCompletion(long busyNanos, long reference) {
    long baseline = baselineNanos();
    return busyNanos <= Math.min(baseline > 0 ? baseline : reference, reference) * settings.latencyTolerance();
  }

}
