package io.sluice.testkit;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A discrete-event loop in virtual time. Events run in time order, ties in the order they were scheduled, so a
 * scenario gives the same result on every run, and ten simulated minutes take milliseconds.
 */
public final class Simulation {
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long now;
  private long sequence;

  /** Virtual time in nanoseconds since the start of the simulation. */
  public long nanoTime() {
    return now;
  }

  /** Runs {@code action} {@code delay} from now; the returned event can be cancelled. */
  public Event after(Duration delay, Runnable action) {
    return afterNanos(delay.toNanos(), action);
  }

  public Event afterNanos(long delayNanos, Runnable action) {
    Event event = new Event(now + Math.max(0, delayNanos), sequence++, action);
    events.add(event);
    return event;
  }

  /** Runs until no event is left or {@code limit} is reached, whichever comes first. */
  public void runUntilQuiet(Duration limit) {
    long end = limit.toNanos();
    while (!events.isEmpty() && events.peek().at <= end) {
      Event next = events.poll();
      if (!next.cancelled) {
        now = next.at;
        next.action.run();
      }
    }
  }

  /** A scheduled action. */
  public static final class Event implements Comparable<Event> {
    private final long at;
    private final long order;
    private final Runnable action;
    private boolean cancelled;

    private Event(long at, long order, Runnable action) {
      this.at = at;
      this.order = order;
      this.action = action;
    }

    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Event other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }
  }
}
