package io.sluice.orchestrator.schedule;

import java.util.ArrayDeque;

/**
 * The scheduler's run slots: at most {@code max} runs at once, the rest start in order as slots free up. Used from
 * the scheduler actor only, so not thread-safe.
 */
final class RunSlots {
  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inUse;

  RunSlots(int max) {
    this.max = max;
  }

  /** Starts {@code run} now if a slot is free, else when one is. Every started run must be {@link #release}d. */
  void submit(Runnable run) {
    if (inUse < max) {
      inUse++;
      run.run();
    } else {
      waiting.add(run);
    }
  }

  /** A run ended: its slot goes to the longest-waiting run, if any. */
  void release() {
    Runnable next = waiting.poll();
    if (next != null) {
      next.run();
    } else {
      inUse--;
    }
  }

  int waiting() {
    return waiting.size();
  }
}
