package io.sluice.orchestrator.pool;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.permit.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The leases a supervisor has granted and not yet taken back, in grant order.
 *
 * <p>Every SHORT lease of a pool has the same max hold, so grant order is also hold-deadline order: the earliest
 * deadline is the first SHORT lease, and the overdue leases are a prefix of the SHORT ones. Neither needs a scan of
 * the whole book, only of the (capped) long-lived leases granted before them.
 *
 * <p>Not thread-safe: owned by one actor.
 */
final class LeaseBook {
  private final LinkedHashMap<Long, ActiveLease> leases = new LinkedHashMap<>();
  private long lastId;
  private int longLived;

  long nextId() {
    return ++lastId;
  }

  void add(ActiveLease lease) {
    leases.put(lease.id(), lease);
    if (lease.longLived()) {
      longLived++;
    }
  }

  /** The lease with this id, or null if it was never granted or has been taken back. */
  ActiveLease get(long id) {
    return leases.get(id);
  }

  /** Takes a lease out of the book; false if it was not in it. */
  boolean remove(ActiveLease lease) {
    if (leases.remove(lease.id()) == null) {
      return false;
    }
    if (lease.longLived()) {
      longLived--;
    }
    return true;
  }

  int size() {
    return leases.size();
  }

  boolean isEmpty() {
    return leases.isEmpty();
  }

  int longLived() {
    return longLived;
  }

  int shortLeases() {
    return leases.size() - longLived;
  }

  /** The earliest hold deadline of a SHORT lease, or {@link Long#MAX_VALUE} when none is out. */
  long earliestHoldDeadline() {
    for (ActiveLease lease : leases.values()) {
      if (!lease.longLived()) {
        return lease.holdDeadline();
      }
    }
    return Long.MAX_VALUE;
  }

  /** The SHORT leases whose hold deadline is at or before {@code now}, oldest first. */
  List<ActiveLease> overdue(long now) {
    List<ActiveLease> overdue = new ArrayList<>();
    for (ActiveLease lease : leases.values()) {
      if (lease.longLived()) {
        continue;
      }
      if (lease.holdDeadline() > now) {
        break;
      }
      overdue.add(lease);
    }
    return overdue;
  }

  /** The lease granted to request {@code requestId} of {@code replyTo}, or null. */
  ActiveLease grantedTo(long requestId, ActorRef<?> replyTo) {
    for (ActiveLease lease : leases.values()) {
      if (lease.grantedTo(requestId, replyTo)) {
        return lease;
      }
    }
    return null;
  }

  /** Every lease whose holder is {@code holder}. */
  List<ActiveLease> heldBy(ActorRef<?> holder) {
    List<ActiveLease> held = new ArrayList<>();
    for (ActiveLease lease : leases.values()) {
      if (holder.equals(lease.request().holder())) {
        held.add(lease);
      }
    }
    return held;
  }

  /** Every lease, oldest first; a copy, so the caller may take leases back while iterating. */
  List<ActiveLease> all() {
    return new ArrayList<>(leases.values());
  }

  /** The {@code count} leases held longest, longest first. */
  List<PoolStats.Holder> longestHolders(long now, int count) {
    List<PoolStats.Holder> holders = new ArrayList<>(leases.size());
    for (ActiveLease lease : leases.values()) {
      holders.add(holder(lease, now));
    }
    holders.sort(Comparator.comparingLong(PoolStats.Holder::heldForMillis).reversed());
    return List.copyOf(holders.subList(0, Math.min(count, holders.size())));
  }

  /** Every long-lived lease, oldest first. */
  List<PoolStats.Holder> longLivedHolders(long now) {
    List<PoolStats.Holder> holders = new ArrayList<>(longLived);
    for (ActiveLease lease : leases.values()) {
      if (lease.longLived()) {
        holders.add(holder(lease, now));
      }
    }
    return List.copyOf(holders);
  }

  private static PoolStats.Holder holder(ActiveLease lease, long now) {
    return new PoolStats.Holder(lease.id(), lease.lease().owner(), lease.lease().purpose(), lease.lease().kind(),
        Duration.ofNanos(now - lease.grantedAt()).toMillis());
  }
}
