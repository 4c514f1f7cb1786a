package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocols.permit.Priority;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Priority order, FIFO within a priority, ageing by whole intervals, and the queue's bookkeeping. */
class WaitQueueTest {
  private static final long AGEING = 1_000;

  private final WaitQueue queue = new WaitQueue(AGEING);

  private WaitQueue.Waiter enqueue(long requestId, Priority priority, long enqueuedAt) {
    return enqueue(requestId, priority, enqueuedAt, enqueuedAt + 1_000_000);
  }

  private WaitQueue.Waiter enqueue(long requestId, Priority priority, long enqueuedAt, long deadline) {
    WaitQueue.Waiter waiter = new WaitQueue.Waiter(TestRequests.acquire(requestId, priority), enqueuedAt, deadline);
    queue.add(waiter);
    return waiter;
  }

  private List<Long> pollAll(long now) {
    List<Long> order = new ArrayList<>();
    for (WaitQueue.Waiter next = queue.poll(now); next != null; next = queue.poll(now)) {
      order.add(next.request.requestId());
    }
    return order;
  }

  @Test
  void anEmptyQueueHasNothingToServeAndNoDeadlines() {
    assertTrue(queue.isEmpty());
    assertEquals(0, queue.size());
    assertNull(queue.poll(0));
    assertEquals(Long.MAX_VALUE, queue.earliestDeadline());
    assertEquals(Long.MAX_VALUE, queue.oldestEnqueuedAt());
  }

  @Test
  void moreUrgentPrioritiesAreServedFirst() {
    enqueue(1, Priority.LOW, 0);
    enqueue(2, Priority.NORMAL, 1);
    enqueue(3, Priority.HIGH, 2);
    enqueue(4, Priority.CRITICAL, 3);
    assertEquals(List.of(4L, 3L, 2L, 1L), pollAll(3));
  }

  @Test
  void requestsOfOnePriorityAreServedInArrivalOrder() {
    enqueue(1, Priority.NORMAL, 0);
    enqueue(2, Priority.HIGH, 1);
    enqueue(3, Priority.NORMAL, 2);
    enqueue(4, Priority.HIGH, 3);
    enqueue(5, Priority.NORMAL, 4);
    assertEquals(List.of(2L, 4L, 1L, 3L, 5L), pollAll(10));
  }

  @Test
  void aRequestRisesOneLevelPerWholeAgeingIntervalWaited() {
    enqueue(1, Priority.LOW, 0);
    enqueue(2, Priority.NORMAL, 1);
    // At 999 the LOW request has not yet waited a whole interval: NORMAL is still ahead.
    assertEquals(2L, queue.poll(999).request.requestId());

    enqueue(3, Priority.NORMAL, 1_000);
    // At 1000 LOW has aged to NORMAL and has waited longer than the fresh NORMAL request.
    assertEquals(1L, queue.poll(1_000).request.requestId());
  }

  @Test
  void aLongWaitLiftsALowRequestAboveFreshCriticalOnesButNeverAboveTheTop() {
    enqueue(1, Priority.LOW, 0);
    enqueue(2, Priority.CRITICAL, 2_999);
    assertEquals(2L, queue.poll(2_999).request.requestId(), "LOW has only risen to HIGH after 2 intervals");
    enqueue(3, Priority.CRITICAL, 2_999);
    // After 5 intervals LOW ranks as CRITICAL (not above it) and wins on its longer wait.
    assertEquals(1L, queue.poll(5_000).request.requestId());
    assertEquals(3L, queue.poll(5_000).request.requestId());
  }

  @Test
  void onEqualRankTheLongerWaitGoesFirstWhateverTheDeclaredPriority() {
    enqueue(1, Priority.CRITICAL, 0);
    enqueue(2, Priority.HIGH, 100);
    // At 1100 HIGH has aged to CRITICAL; CRITICAL has waited longer.
    assertEquals(1L, queue.poll(1_100).request.requestId());
    assertEquals(2L, queue.poll(1_100).request.requestId());
  }

  @Test
  void onEqualRankAndEqualWaitTheDeclaredPriorityDecides() {
    enqueue(1, Priority.HIGH, 0);
    enqueue(2, Priority.CRITICAL, 0);
    assertEquals(2L, queue.poll(1_000).request.requestId());
  }

  @Test
  void sizeFollowsAddsPollsAndRemovals() {
    enqueue(1, Priority.NORMAL, 0);
    enqueue(2, Priority.LOW, 0);
    enqueue(3, Priority.CRITICAL, 0);
    assertEquals(3, queue.size());
    assertFalse(queue.isEmpty());
    queue.poll(0);
    assertEquals(2, queue.size());
    queue.removeIf(w -> w.request.requestId() == 2, w -> { });
    assertEquals(1, queue.size());
    queue.poll(0);
    assertEquals(0, queue.size());
    assertTrue(queue.isEmpty());
    assertNull(queue.poll(0));
    assertEquals(0, queue.size(), "polling an empty queue does not count");
  }

  @Test
  void removeIfTakesOutAndHandsOverExactlyTheMatchingWaiters() {
    enqueue(1, Priority.NORMAL, 0);
    enqueue(2, Priority.LOW, 1);
    enqueue(3, Priority.NORMAL, 2);
    enqueue(4, Priority.CRITICAL, 3);
    List<Long> removed = new ArrayList<>();
    queue.removeIf(w -> w.request.requestId() % 2 == 1, w -> removed.add(w.request.requestId()));
    assertEquals(List.of(1L, 3L), removed);
    assertEquals(2, queue.size());
    assertEquals(List.of(4L, 2L), pollAll(3));
  }

  @Test
  void drainToHandsOverEveryWaiterAndLeavesTheQueueEmpty() {
    enqueue(1, Priority.LOW, 0);
    enqueue(2, Priority.CRITICAL, 1);
    enqueue(3, Priority.LOW, 2);
    List<Long> drained = new ArrayList<>();
    queue.drainTo(w -> drained.add(w.request.requestId()));
    assertEquals(List.of(2L, 1L, 3L), drained, "level by level, FIFO within each");
    assertTrue(queue.isEmpty());
    assertEquals(0, queue.size());
  }

  @Test
  void earliestDeadlineIsTheSmallestOfAllWaitersNotOnlyOfTheHeads() {
    enqueue(1, Priority.NORMAL, 0, 5_000);
    enqueue(2, Priority.NORMAL, 1, 700);
    enqueue(3, Priority.LOW, 2, 900);
    assertEquals(700, queue.earliestDeadline());
    queue.removeIf(w -> w.request.requestId() == 2, w -> { });
    assertEquals(900, queue.earliestDeadline());
  }

  @Test
  void oldestEnqueuedAtIsTheLongestWaitAcrossPriorities() {
    enqueue(1, Priority.CRITICAL, 300);
    enqueue(2, Priority.LOW, 100);
    enqueue(3, Priority.NORMAL, 200);
    assertEquals(100, queue.oldestEnqueuedAt());
    queue.removeIf(w -> w.request.requestId() == 2, w -> { });
    assertEquals(200, queue.oldestEnqueuedAt());
  }
}
