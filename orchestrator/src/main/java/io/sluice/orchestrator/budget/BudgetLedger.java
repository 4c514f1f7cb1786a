package io.sluice.orchestrator.budget;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's database connection budget ({@code sluice.database.max-connections}) divided among its nodes: the
 * arithmetic of the budget coordinator, without an actor.
 *
 * <p>Model. A node holds {@code fixed} connections outside its share (its journal pool) and a <em>share</em> of
 * {@code db} connections between its minimum and its maximum (its {@code db} pool's configured size). For every node
 * the ledger keeps the shares it <em>assigned</em> (numbered by an epoch per node) and the last share the node confirmed it
 * has <em>applied</em> (its pool and its permits are at or below it). A node may hold up to the largest of the applied
 * share and every share sent since: a larger share may be in use as soon as it is sent, a smaller one only counts once
 * confirmed (a node confirms in the order it was told, as Akka delivers between two actors). So the ledger's
 * invariant — the one the cluster's {@code pg_stat_activity} is held to — is
 *
 * <pre>  Σ over nodes (fixed + max(applied, shares sent since)) ≤ budget</pre>
 *
 * and every method keeps it: a node grows only into room that confirmed shrinks have already freed (shrink before the
 * other grows).
 *
 * <p>Division. Each node is <em>entitled</em> to an equal part of what the fixed pools leave (within its minimum and
 * maximum) and <em>wants</em> its demand (permits granted plus waiting) plus a little headroom. Entitled wants are met
 * first: from free room, and if there is not enough, by shrinking nodes that hold more than their entitlement. What is
 * left is lent to nodes that want more than their entitlement (work-conserving). A node that wants less than it holds
 * keeps its share until another node's entitlement needs it back, so shares do not churn while demand wobbles.
 *
 * <p>Joining. A node's fixed pools count from the moment it is admitted, and it needs its minimum share at once. With
 * the join reserve on, one node's footprint (fixed plus minimum, the largest among the nodes known) is left out of
 * every entitlement and loan, so a joining node always {@link #fits}; its entitlement is then taken back from the
 * others, which rebuilds the reserve. A second node joining before that has happened waits ({@link #fits} is false).
 *
 * <p>Not thread-safe: owned by the coordinator actor.
 */
final class BudgetLedger {
  private final int budget;
  private final int headroom;
  private final boolean joinReserve;
  private final Map<String, NodeShare> nodes = new LinkedHashMap<>();

  /** One node's terms and state. */
  static final class NodeShare {
    final String node;
    final int fixed;
    final int minShare;
    final int maxShare;
    /** Shares sent and not yet confirmed, oldest first: {epoch, share}. */
    final ArrayDeque<long[]> unconfirmed = new ArrayDeque<>();
    int demand;
    int assigned;
    int applied;
    long epoch;

    NodeShare(String node, int fixed, int minShare, int maxShare) {
      this.node = node;
      this.fixed = fixed;
      this.minShare = minShare;
      this.maxShare = maxShare;
    }

    /** The most this node may hold now: its applied share or any share sent since, whichever is largest. */
    int held() {
      int held = Math.max(assigned, applied);
      for (long[] sent : unconfirmed) {
        held = (int) Math.max(held, sent[1]);
      }
      return held;
    }

    int committed() {
      return fixed + held();
    }

    int want(int headroom) {
      return Math.max(minShare, Math.min(maxShare, demand + headroom));
    }

    /** Room taken by raising the assigned share by one: nothing while an unconfirmed larger share still counts. */
    int growCost() {
      return assigned + 1 > held() ? 1 : 0;
    }
  }

  /**
   * @param budget the whole cluster's connections
   * @param headroom permits a node is given above its demand, so it can grow a little before the next report
   * @param joinReserve whether one node's footprint is kept free for a joining node
   */
  BudgetLedger(int budget, int headroom, boolean joinReserve) {
    if (budget < 1 || headroom < 0) {
      throw new IllegalArgumentException("budget must be positive and headroom non-negative: " + budget + ", "
          + headroom);
    }
    this.budget = budget;
    this.headroom = headroom;
    this.joinReserve = joinReserve;
  }

  int budget() {
    return budget;
  }

  /**
   * Why a node with these terms cannot join, or null if it can: a different budget, terms out of range, or a budget
   * too small to give every node its fixed pools and its minimum share.
   */
  String refusal(String node, int nodeBudget, int fixed, int minShare, int maxShare) {
    if (nodeBudget != budget) {
      return "node " + node + " has sluice.database.max-connections " + nodeBudget + " but the cluster's budget is "
          + budget + ": every node must be configured with the same budget";
    }
    if (fixed < 0 || minShare < 1 || maxShare < minShare) {
      return "node " + node + " has invalid terms: fixed " + fixed + ", minimum share " + minShare
          + ", maximum share " + maxShare;
    }
    int floor = fixed + minShare;
    int count = 1;
    for (NodeShare other : nodes.values()) {
      if (!other.node.equals(node)) {
        floor += other.fixed + other.minShare;
        count++;
      }
    }
    return floor > budget
        ? "the budget " + budget + " cannot hold " + count + " nodes: their fixed pools and minimum shares need "
            + floor
        : null;
  }

  /** Whether a node with this footprint can be admitted now without the nodes together exceeding the budget. */
  boolean fits(int fixed, int minShare) {
    return committed() + fixed + minShare <= budget;
  }

  /**
   * Adds a node that passed {@link #refusal} and {@link #fits}, with the share it says it has applied and that share's
   * epoch (0 and 0 for a node that has not been given one; a node re-registering with a new coordinator reports what it
   * holds, and the epochs go on from there). A node already known is left as it is: its confirmations tell the rest.
   */
  void admit(String node, int fixed, int minShare, int maxShare, int applied, long epoch) {
    NodeShare known = nodes.get(node);
    if (known == null) {
      NodeShare share = new NodeShare(node, fixed, minShare, maxShare);
      share.assigned = applied;
      share.applied = applied;
      share.epoch = epoch;
      nodes.put(node, share);
    }
  }

  boolean knows(String node) {
    return nodes.containsKey(node);
  }

  /** A node's demand now (permits granted plus waiting); ignored for an unknown node. */
  void demand(String node, int demand) {
    NodeShare share = nodes.get(node);
    if (share != null) {
      share.demand = Math.max(0, demand);
    }
  }

  /**
   * The node confirmed that its pool and permits are at or below the share sent with {@code epoch}; what was sent
   * before it is superseded. A confirmation of an unknown node or of an epoch not sent is ignored.
   */
  void applied(String node, long epoch, int share) {
    NodeShare entry = nodes.get(node);
    if (entry == null || entry.unconfirmed.stream().noneMatch(sent -> sent[0] == epoch && sent[1] == share)) {
      return;
    }
    while (!entry.unconfirmed.isEmpty() && entry.unconfirmed.peekFirst()[0] <= epoch) {
      entry.unconfirmed.pollFirst();
    }
    entry.applied = share;
  }

  /** The epoch of the last share sent to the node (0 before any). */
  long epoch(String node) {
    NodeShare share = nodes.get(node);
    return share == null ? 0 : share.epoch;
  }

  /** Forgets a node that left the cluster; its connections are free. */
  void remove(String node) {
    nodes.remove(node);
  }

  /** Σ (fixed + what each node may hold): the most the nodes may hold now. Never above the budget. */
  int committed() {
    int sum = 0;
    for (NodeShare share : nodes.values()) {
      sum += share.committed();
    }
    return sum;
  }

  int assigned(String node) {
    NodeShare share = nodes.get(node);
    return share == null ? 0 : share.assigned;
  }

  /** The share the node wants: its demand plus headroom, within its minimum and maximum; 0 for an unknown node. */
  int want(String node) {
    NodeShare share = nodes.get(node);
    return share == null ? 0 : share.want(headroom);
  }

  /** Every node's terms and state, in the order they joined; read only. */
  Collection<NodeShare> shares() {
    return Collections.unmodifiableCollection(nodes.values());
  }

  int nodeCount() {
    return nodes.size();
  }

  /** Each node's equal part of what the fixed pools leave, within its minimum and maximum. */
  Map<String, Integer> entitlements() {
    Map<String, Integer> entitled = new LinkedHashMap<>();
    List<NodeShare> open = new ArrayList<>(nodes.values());
    int left = budget - reserve();
    for (NodeShare share : nodes.values()) {
      left -= share.fixed;
    }
    // Water-filling: nodes whose bound decides their part are settled first, the rest share what remains.
    boolean settledOne = true;
    while (settledOne && !open.isEmpty()) {
      settledOne = false;
      int part = Math.floorDiv(left, open.size());
      for (NodeShare share : List.copyOf(open)) {
        int bounded = Math.max(share.minShare, Math.min(share.maxShare, part));
        if (bounded != part) {
          entitled.put(share.node, bounded);
          left -= bounded;
          open.remove(share);
          settledOne = true;
        }
      }
    }
    int part = open.isEmpty() ? 0 : Math.floorDiv(left, open.size());
    int remainder = open.isEmpty() ? 0 : left - part * open.size();
    for (NodeShare share : open) {
      entitled.put(share.node, part + (remainder-- > 0 ? 1 : 0));
    }
    return entitled;
  }

  /**
   * Moves the shares one step towards the division described above, within the invariant, and answers the nodes whose
   * assigned share changed (to be told, with {@link #epoch}). Shrinks take effect in {@link #committed} only once
   * confirmed, so the grows they make room for happen on a later call.
   */
  Map<String, Integer> rebalance() {
    Map<String, Integer> before = new LinkedHashMap<>();
    nodes.values().forEach(share -> before.put(share.node, share.assigned));
    Map<String, Integer> entitled = entitlements();
    int room = budget - committed();
    // 1. Entitled wants from free room, the furthest behind first.
    List<NodeShare> byDeficit = new ArrayList<>(nodes.values());
    byDeficit.sort(Comparator.comparingInt(share -> share.assigned - entitledWant(share, entitled)));
    for (NodeShare share : byDeficit) {
      room -= grow(share, entitledWant(share, entitled), room);
    }
    // 2. Entitled wants still short, or the join reserve not free: take back what nodes hold above their entitlement
    // (less what free room and unconfirmed shrinks will give anyway).
    int needed = reserve();
    int freeing = 0;
    for (NodeShare share : nodes.values()) {
      needed += Math.max(0, entitledWant(share, entitled) - share.assigned);
      freeing += Math.max(0, share.held() - share.assigned);
    }
    int toReclaim = needed - room - freeing;
    while (toReclaim > 0) {
      NodeShare richest = null;
      for (NodeShare share : nodes.values()) {
        int excess = share.assigned - entitled.get(share.node);
        if (excess > 0 && (richest == null || excess > richest.assigned - entitled.get(richest.node))) {
          richest = share;
        }
      }
      if (richest == null) {
        break;
      }
      richest.assigned--;
      toReclaim--;
    }
    // 3. Lend what is left, above the join reserve, to nodes that want more than their entitlement.
    int lendable = room - reserve();
    boolean lent = true;
    while (lendable > 0 && lent) {
      lent = false;
      NodeShare neediest = null;
      for (NodeShare share : nodes.values()) {
        int unmet = share.want(headroom) - share.assigned;
        if (unmet > 0 && (neediest == null || unmet > neediest.want(headroom) - neediest.assigned)) {
          neediest = share;
        }
      }
      if (neediest != null) {
        lendable -= grow(neediest, neediest.assigned + 1, lendable);
        lent = true;
      }
    }
    Map<String, Integer> changed = new LinkedHashMap<>();
    for (NodeShare share : nodes.values()) {
      if (before.get(share.node) != share.assigned) {
        share.unconfirmed.addLast(new long[] {++share.epoch, share.assigned});
        changed.put(share.node, share.assigned);
      }
    }
    return changed;
  }

  private int entitledWant(NodeShare share, Map<String, Integer> entitled) {
    return Math.min(share.want(headroom), entitled.get(share.node));
  }

  /** Raises the node's assigned share towards {@code target} within {@code room}; answers the room used. */
  private static int grow(NodeShare share, int target, int room) {
    int used = 0;
    while (share.assigned < Math.min(target, share.maxShare) && used + share.growCost() <= room) {
      used += share.growCost();
      share.assigned++;
    }
    return used;
  }

  /** One node's smallest footprint (the largest among the nodes known), kept free for a node that joins. */
  private int reserve() {
    if (!joinReserve) {
      return 0;
    }
    int reserve = 0;
    for (NodeShare share : nodes.values()) {
      reserve = Math.max(reserve, share.fixed + share.minShare);
    }
    return reserve;
  }
}
