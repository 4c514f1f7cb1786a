package io.sluice.orchestrator.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The facade's requests that await the supervisor's answer, by request id, each with the time after which the facade
 * stops waiting for it.
 *
 * <p>The supervisor answers every request itself (at the latest with TIMED_OUT at its max wait), so the facade keeps
 * no timer per request: a backstop sweep runs while anything is pending, and none while nothing is. Whether a sweep
 * is scheduled is one flag; a request that finds it down raises it and asks for one.
 */
final class PendingRequests {
  /** A request awaiting its answer: what runs under the permit once granted, and the caller's result. */
  record Pending<T>(UnderLease<T> work, CompletableFuture<T> result, long giveUpAtNanos) {}

  private final ConcurrentHashMap<Long, Pending<?>> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /** Registers a request; true if the caller must now schedule a sweep (none is scheduled). */
  boolean add(long requestId, Pending<?> request) {
    pending.put(requestId, request);
    return !sweeping.get() && sweeping.compareAndSet(false, true);
  }

  /** Takes the request out: its answer came (or it is being given up); null if it was already taken. */
  Pending<?> take(long requestId) {
    return pending.remove(requestId);
  }

  /** Takes out every request whose give-up time has passed, with its id. */
  List<Map.Entry<Long, Pending<?>>> takeOverdue(long nowNanos) {
    List<Map.Entry<Long, Pending<?>>> overdue = new ArrayList<>();
    for (Map.Entry<Long, Pending<?>> entry : pending.entrySet()) {
      if (entry.getValue().giveUpAtNanos() - nowNanos <= 0 && pending.remove(entry.getKey(), entry.getValue())) {
        overdue.add(entry);
      }
    }
    return overdue;
  }

  /** Takes out every request. */
  List<Pending<?>> takeAll() {
    List<Pending<?>> all = new ArrayList<>();
    for (Long requestId : pending.keySet()) {
      Pending<?> request = pending.remove(requestId);
      if (request != null) {
        all.add(request);
      }
    }
    return all;
  }

  /**
   * A sweep ended: true if another must be scheduled. When nothing is pending the flag goes down, then is raised
   * again if a request arrived meanwhile — that request saw the flag up and asked for nothing.
   */
  boolean sweepAgain() {
    if (!pending.isEmpty()) {
      return true;
    }
    sweeping.set(false);
    return !pending.isEmpty() && sweeping.compareAndSet(false, true);
  }
}
