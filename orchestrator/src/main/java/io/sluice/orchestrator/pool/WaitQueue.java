package io.sluice.orchestrator.pool;

import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Priority;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The bounded wait queue of a pool supervisor: one FIFO per priority, with ageing. A request's effective priority
 * rises by one level per full {@code ageingNanos} it has waited, so low priorities cannot starve; ties go to the
 * request that has waited longest. Only the head of each FIFO can be the best candidate (it is the oldest, hence the
 * most aged, of its level), so choosing the next request costs one look per priority level.
 *
 * <p>Not thread-safe: owned by one actor.
 */
final class WaitQueue {
  private static final Priority[] LEVELS = Priority.values();

  private final ArrayDeque<Waiter>[] fifos;
  private final long ageingNanos;
  private int size;

  @SuppressWarnings("unchecked")
  WaitQueue(long ageingNanos) {
    this.ageingNanos = ageingNanos;
    this.fifos = new ArrayDeque[LEVELS.length];
    for (int i = 0; i < LEVELS.length; i++) {
      fifos[i] = new ArrayDeque<>();
    }
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(Waiter waiter) {
    fifos[waiter.request.priority().ordinal()].addLast(waiter);
    size++;
  }

  /** Removes and returns the request to serve next, or null when empty. */
  Waiter poll(long now) {
    int best = -1;
    long bestRank = Long.MAX_VALUE;
    long bestSince = Long.MAX_VALUE;
    for (int level = 0; level < fifos.length; level++) {
      Waiter head = fifos[level].peekFirst();
      if (head == null) {
        continue;
      }
      long rank = Math.max(0, level - (now - head.enqueuedAt) / ageingNanos);
      if (rank < bestRank || (rank == bestRank && head.enqueuedAt < bestSince)) {
        best = level;
        bestRank = rank;
        bestSince = head.enqueuedAt;
      }
    }
    if (best < 0) {
      return null;
    }
    size--;
    return fifos[best].pollFirst();
  }

  /** Removes every waiter {@code filter} accepts, handing each to {@code removed}. */
  void removeIf(java.util.function.Predicate<Waiter> filter, Consumer<Waiter> removed) {
    for (ArrayDeque<Waiter> fifo : fifos) {
      for (Iterator<Waiter> it = fifo.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (filter.test(waiter)) {
          it.remove();
          size--;
          removed.accept(waiter);
        }
      }
    }
  }

  /** The earliest wait deadline, or {@link Long#MAX_VALUE} when empty. */
  long earliestDeadline() {
    long earliest = Long.MAX_VALUE;
    for (ArrayDeque<Waiter> fifo : fifos) {
      for (Waiter waiter : fifo) {
        earliest = Math.min(earliest, waiter.deadline);
      }
    }
    return earliest;
  }

  /** The enqueue time of the longest-waiting request, or {@link Long#MAX_VALUE} when empty. */
  long oldestEnqueuedAt() {
    long oldest = Long.MAX_VALUE;
    for (ArrayDeque<Waiter> fifo : fifos) {
      Waiter head = fifo.peekFirst();
      if (head != null) {
        oldest = Math.min(oldest, head.enqueuedAt);
      }
    }
    return oldest;
  }

  void drainTo(Consumer<Waiter> removed) {
    removeIf(waiter -> true, removed);
  }

  /** A request waiting for a permit. */
  static final class Waiter {
    final Acquire request;
    final long enqueuedAt;
    final long deadline;

    Waiter(Acquire request, long enqueuedAt, long deadline) {
      this.request = request;
      this.enqueuedAt = enqueuedAt;
      this.deadline = deadline;
    }
  }
}
