package io.sluice.testkit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The FIFO a gate keeps requests in while they wait, each rejected with {@code reason} when its wait runs out in
 * virtual time. For gates that compare against Sluice's own queue.
 */
public final class TimedQueue {
  private final Simulation simulation;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  public TimedQueue(Simulation simulation) {
    this.simulation = simulation;
  }

  /** A queued request; {@link #poll()} hands it out with its time-out cancelled. */
  public static final class Waiter {
    private final Consumer<PermitGate.Permit> granted;
    private Simulation.Event timeout;

    private Waiter(Consumer<PermitGate.Permit> granted) {
      this.granted = granted;
    }

    public void grant(PermitGate.Permit permit) {
      granted.accept(permit);
    }
  }

  public void add(Duration maxWait, Consumer<PermitGate.Permit> granted, Consumer<String> rejected, String reason) {
    Waiter waiter = new Waiter(granted);
    waiter.timeout = simulation.after(maxWait, () -> {
      waiters.remove(waiter);
      rejected.accept(reason);
    });
    waiters.add(waiter);
  }

  /** The longest-waiting request, no longer subject to its time-out; null when none waits. */
  public Waiter poll() {
    Waiter next = waiters.poll();
    if (next != null) {
      next.timeout.cancel();
    }
    return next;
  }

  public boolean isEmpty() {
    return waiters.isEmpty();
  }

  public int size() {
    return waiters.size();
  }
}
