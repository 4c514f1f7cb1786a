package io.sluice.orchestrator.background;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When a background service last ran its due work and the next due time it read then: what its status shows without
 * asking the database (a {@code /health} call must not wake an idle database). Thread-safe.
 */
public final class LastTick {
  private record Run(Instant at, Instant nextDue) {}

  private final AtomicReference<Run> last = new AtomicReference<>(new Run(null, null));

  public void ran(Instant at, Instant nextDue) {
    last.set(new Run(at, nextDue));
  }

  /** Null if it never ran since start. */
  public Instant lastRun() {
    return last.get().at();
  }

  /** Null when it never ran, or nothing was due later at its last run. */
  public Instant nextDue() {
    return last.get().nextDue();
  }
}
