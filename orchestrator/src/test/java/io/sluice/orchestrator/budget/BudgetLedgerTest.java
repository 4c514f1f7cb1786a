package io.sluice.orchestrator.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BudgetLedgerTest {
  /** Budget 30, journal pools of 2, db shares between 2 and 20, headroom 2: the three-node setting. */
  private static BudgetLedger threeNodes() {
    BudgetLedger ledger = new BudgetLedger(30, 2, true);
    for (String node : List.of("a", "b", "c")) {
      assertNull(ledger.refusal(node, 30, 2, 2, 20));
      ledger.admit(node, 2, 2, 20, 0, 0);
    }
    return ledger;
  }

  @Test
  void idleNodesGetTheirMinimumPlusHeadroomAndTheRestStaysFree() {
    BudgetLedger ledger = threeNodes();
    // (30 - 3 journal pools of 2 - a joiner's reserve of 2 + 2) / 3
    assertEquals(Map.of("a", 7, "b", 7, "c", 6), ledger.entitlements());
    assertEquals(Map.of("a", 2, "b", 2, "c", 2), ledger.rebalance());
    assertEquals(12, ledger.committed());
    assertEquals(Map.of(), ledger.rebalance(), "nothing moves while nothing changes");
  }

  @Test
  void aBusyNodeBorrowsWhatIdleNodesDoNotUseButNotTheJoinReserve() {
    BudgetLedger ledger = threeNodes();
    ledger.rebalance();
    ledger.demand("a", 40);
    assertEquals(Map.of("a", 16), ledger.rebalance());
    // a: 2 + 16, b and c: 2 + 2 each = 26; 4 (one node's journal pool and minimum share) stay free for a joiner.
    assertEquals(26, ledger.committed());
  }

  @Test
  void aLenderTakesItsEntitlementBackShrinkFirstGrowAfterTheConfirmation() {
    BudgetLedger ledger = threeNodes();
    ledger.rebalance();
    ledger.demand("a", 40);
    ledger.rebalance();
    confirm(ledger, "a", 16);
    ledger.demand("b", 10);
    // b wants 12, is entitled to 7: 4 of the free room at once, the fifth and the join reserve taken back from a.
    assertEquals(Map.of("a", 11, "b", 6), ledger.rebalance());
    assertEquals(30, ledger.committed(), "a still counts 16 until it confirms");
    assertEquals(Map.of(), ledger.rebalance(), "no grow before the confirmation");
    confirm(ledger, "a", 11);
    assertEquals(Map.of("b", 7), ledger.rebalance());
    assertEquals(26, ledger.committed(), "the join reserve is free again");
  }

  @Test
  void aJoiningNodeGetsItsMinimumFromTheReserveAndItsEntitlementBack() {
    BudgetLedger ledger = new BudgetLedger(30, 2, true);
    ledger.admit("a", 2, 2, 26, 0, 0);
    ledger.admit("b", 2, 2, 26, 0, 0);
    ledger.rebalance();
    ledger.demand("a", 100);
    ledger.demand("b", 100);
    ledger.rebalance();
    confirm(ledger, "a", ledger.assigned("a"));
    confirm(ledger, "b", ledger.assigned("b"));
    assertEquals(26, ledger.committed(), "4 kept for a joiner");
    assertNull(ledger.refusal("c", 30, 2, 2, 26));
    assertTrue(ledger.fits(2, 2));
    ledger.admit("c", 2, 2, 26, 0, 0);
    assertTrue(ledger.committed() <= 30);
    Map<String, Integer> first = ledger.rebalance();
    assertEquals(2, first.get("c"), "the reserve covers the joiner's minimum at once");
    assertEquals(30, ledger.committed());
    settle(ledger);
    ledger.demand("c", 100);
    settle(ledger);
    Map<String, Integer> entitled = ledger.entitlements();
    for (String node : List.of("a", "b", "c")) {
      assertEquals(entitled.get(node), ledger.assigned(node), node);
    }
  }

  @Test
  void aRemovedNodesShareIsFreeForTheOthers() {
    BudgetLedger ledger = threeNodes();
    ledger.rebalance();
    ledger.demand("a", 40);
    ledger.demand("b", 40);
    ledger.demand("c", 40);
    settle(ledger);
    assertEquals(List.of(7, 7, 6), List.of(ledger.assigned("a"), ledger.assigned("b"), ledger.assigned("c")));
    ledger.remove("c");
    settle(ledger);
    assertEquals(30 - 2 - 2, ledger.assigned("a") + ledger.assigned("b") + 2 + 2, "all but the joiner reserve");
    assertEquals(26, ledger.committed());
  }

  @Test
  void refusesADifferentBudgetAndMoreNodesThanTheBudgetHolds() {
    BudgetLedger ledger = threeNodes();
    String different = ledger.refusal("d", 40, 2, 2, 20);
    assertTrue(different.contains("sluice.database.max-connections 40") && different.contains("budget is 30"),
        different);
    BudgetLedger small = new BudgetLedger(10, 2, true);
    small.admit("a", 2, 2, 6, 0, 0);
    small.admit("b", 2, 2, 6, 0, 0);
    String full = small.refusal("c", 10, 2, 2, 6);
    assertTrue(full.contains("cannot hold 3 nodes") && full.contains("need 12"), full);
    assertTrue(small.refusal("c", 10, 2, 0, 6).contains("invalid terms"));
  }

  @Test
  void aReRegisteringNodeKeepsItsPlaceAndReportsWhatItHolds() {
    BudgetLedger ledger = new BudgetLedger(30, 2, true);
    ledger.admit("a", 2, 2, 20, 12, 7);
    ledger.admit("b", 2, 2, 20, 4, 3);
    assertEquals(20, ledger.committed(), "a new coordinator learns what the nodes hold");
    assertEquals(7, ledger.epoch("a"), "and goes on from the epochs they hold");
    ledger.admit("a", 2, 2, 20, 12, 7);
    assertEquals(20, ledger.committed());
    assertEquals(2, ledger.nodeCount());
    ledger.demand("b", 10);
    ledger.rebalance();
    assertEquals(4, ledger.epoch("b"));
  }

  /**
   * Random joins, leaves, demand swings and late, reordered confirmations: the invariant holds after every step, and
   * once the confirmations are in, every node holds at least its entitled want.
   */
  @Test
  void theBudgetIsNeverExceededAndEntitledWantsAreMetOnceSettled() {
    Random random = new Random(20261126L);
    for (int trial = 0; trial < 300; trial++) {
      BudgetLedger ledger = new BudgetLedger(30, 2, trial % 3 != 0);
      // Each node confirms what it was sent in order (Akka's order between two actors); nodes interleave at random.
      Map<String, Deque<long[]>> toConfirm = new LinkedHashMap<>();
      List<String> members = new ArrayList<>();
      int next = 0;
      for (int step = 0; step < 300; step++) {
        int action = random.nextInt(10);
        if (action == 0 && members.size() < 5) {
          String node = "n" + next++;
          if (ledger.refusal(node, 30, 2, 2, 20) == null && ledger.fits(2, 2)) {
            ledger.admit(node, 2, 2, 20, 0, 0);
            members.add(node);
            toConfirm.put(node, new ArrayDeque<>());
          }
        } else if (action == 1 && !members.isEmpty()) {
          String gone = members.remove(random.nextInt(members.size()));
          ledger.remove(gone);
          toConfirm.remove(gone);
        } else if (action <= 5 && !members.isEmpty()) {
          ledger.demand(members.get(random.nextInt(members.size())), random.nextInt(30));
        } else if (!members.isEmpty()) {
          Deque<long[]> pending = toConfirm.get(members.get(random.nextInt(members.size())));
          String node = null;
          for (Map.Entry<String, Deque<long[]>> entry : toConfirm.entrySet()) {
            if (entry.getValue() == pending) {
              node = entry.getKey();
            }
          }
          if (!pending.isEmpty()) {
            long[] sent = pending.pollFirst();
            ledger.applied(node, sent[0], (int) sent[1]);
          }
        }
        assertTrue(ledger.committed() <= 30, "trial " + trial + " step " + step + ": " + ledger.committed());
        ledger.rebalance().forEach((node, share) ->
            toConfirm.get(node).addLast(new long[] {ledger.epoch(node), share}));
        assertTrue(ledger.committed() <= 30, "trial " + trial + " step " + step + ": " + ledger.committed());
      }
      // Every node confirms what it was sent.
      toConfirm.forEach((node, pending) -> pending.forEach(sent -> ledger.applied(node, sent[0], (int) sent[1])));
      settle(ledger);
      assertTrue(ledger.committed() <= 30);
      Map<String, Integer> entitled = ledger.entitlements();
      for (String node : members) {
        assertTrue(ledger.assigned(node) >= Math.min(entitled.get(node), ledger.want(node)),
            "trial " + trial + ": " + node + " holds " + ledger.assigned(node) + ", wants " + ledger.want(node)
                + ", is entitled to " + entitled.get(node));
      }
    }
  }

  /** The node confirms the last share it was sent, which must be {@code share}. */
  private static void confirm(BudgetLedger ledger, String node, int share) {
    assertEquals(share, ledger.assigned(node));
    ledger.applied(node, ledger.epoch(node), share);
  }

  /** Confirms every assignment and rebalances until nothing moves. */
  private static void settle(BudgetLedger ledger) {
    for (int round = 0; round < 50; round++) {
      Map<String, Integer> changed = ledger.rebalance();
      changed.forEach((node, share) -> confirm(ledger, node, share));
      if (changed.isEmpty()) {
        return;
      }
    }
    throw new AssertionError("the shares did not settle");
  }
}
