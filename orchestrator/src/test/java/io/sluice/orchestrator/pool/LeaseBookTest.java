package io.sluice.orchestrator.pool;

import static io.sluice.orchestrator.pool.TestRequests.longLivedLease;
import static io.sluice.orchestrator.pool.TestRequests.shortLease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The supervisor's leases in grant order: counts, hold deadlines, overdue prefix, lookups and the holder lists. */
class LeaseBookTest {
  private static final long MS = Duration.ofMillis(1).toNanos();

  private final LeaseBook book = new LeaseBook();

  private static List<Long> ids(List<ActiveLease> leases) {
    return leases.stream().map(ActiveLease::id).toList();
  }

  private static List<Long> holderIds(List<PoolStats.Holder> holders) {
    return holders.stream().map(PoolStats.Holder::lease).toList();
  }

  @Test
  void leaseIdsAreHandedOutFromOneUpwardsAndNeverReused() {
    long first = book.nextId();
    long second = book.nextId();
    assertEquals(1, first);
    assertEquals(2, second);
    book.add(shortLease(first, 0, 10));
    book.add(shortLease(second, 0, 10));
    book.remove(book.get(second));
    assertEquals(3, book.nextId(), "the id of a lease taken back is not handed out again");
  }

  @Test
  void anEmptyBookHasNothingOutAndNothingDue() {
    assertTrue(book.isEmpty());
    assertEquals(0, book.size());
    assertEquals(0, book.longLived());
    assertEquals(0, book.shortLeases());
    assertEquals(Long.MAX_VALUE, book.earliestHoldDeadline());
    assertTrue(book.overdue(Long.MAX_VALUE).isEmpty());
  }

  @Test
  void addingAndRemovingCountsShortAndLongLivedLeasesApart() {
    ActiveLease first = shortLease(1, 0, 100);
    ActiveLease second = longLivedLease(2, 10);
    ActiveLease third = longLivedLease(3, 20);
    book.add(first);
    book.add(second);
    book.add(third);
    assertFalse(book.isEmpty());
    assertEquals(3, book.size());
    assertEquals(2, book.longLived());
    assertEquals(1, book.shortLeases());

    assertTrue(book.remove(second));
    assertEquals(2, book.size());
    assertEquals(1, book.longLived());
    assertEquals(1, book.shortLeases());
    assertNull(book.get(2));

    assertTrue(book.remove(first));
    assertEquals(1, book.longLived());
    assertEquals(0, book.shortLeases());
  }

  @Test
  void removingALeaseThatIsNotInTheBookReturnsFalseAndChangesNothing() {
    ActiveLease longLived = longLivedLease(1, 0);
    book.add(longLived);
    book.add(shortLease(2, 0, 100));
    assertTrue(book.remove(longLived));

    assertFalse(book.remove(longLived), "a second removal of the same lease");
    assertFalse(book.remove(longLivedLease(9, 0)), "a lease never granted");
    assertFalse(book.remove(shortLease(8, 0, 100)), "a short lease never granted");
    assertEquals(1, book.size());
    assertEquals(0, book.longLived());
    assertEquals(1, book.shortLeases());
  }

  @Test
  void getFindsALeaseByIdOnlyWhileItIsOut() {
    ActiveLease lease = shortLease(5, 0, 100);
    book.add(lease);
    assertSame(lease, book.get(5));
    assertNull(book.get(6));
    book.remove(lease);
    assertNull(book.get(5));
  }

  @Test
  void theEarliestHoldDeadlineIsTheFirstShortLeasesSkippingLongLivedOnes() {
    book.add(longLivedLease(1, 0));
    assertEquals(Long.MAX_VALUE, book.earliestHoldDeadline(), "long-lived leases never fall due");
    book.add(shortLease(2, 10 * MS, 40 * MS));
    book.add(longLivedLease(3, 20 * MS));
    book.add(shortLease(4, 30 * MS, 60 * MS));
    assertEquals(40 * MS, book.earliestHoldDeadline());
    book.remove(book.get(2));
    assertEquals(60 * MS, book.earliestHoldDeadline());
  }

  @Test
  void overdueLeasesAreAPrefixOfTheShortLeasesInGrantOrder() {
    book.add(longLivedLease(1, 0));
    book.add(shortLease(2, 0, 100));
    book.add(longLivedLease(3, 10));
    book.add(shortLease(4, 10, 110));
    book.add(shortLease(5, 20, 120));

    assertEquals(List.of(), ids(book.overdue(99)));
    assertEquals(List.of(2L), ids(book.overdue(100)), "due exactly at its deadline");
    assertEquals(List.of(2L, 4L), ids(book.overdue(119)));
    assertEquals(List.of(2L, 4L, 5L), ids(book.overdue(1_000)));
  }

  @Test
  void overdueStopsAtTheFirstShortLeaseNotYetDue() {
    // Grant order is deadline order in a pool; should a later lease carry an earlier deadline, it waits its turn.
    book.add(shortLease(1, 0, 100));
    book.add(shortLease(2, 10, 500));
    book.add(shortLease(3, 20, 50));
    assertEquals(List.of(1L), ids(book.overdue(200)));
  }

  @Test
  void aLeaseIsFoundByTheRequestAndReplyToItWasGrantedTo() {
    ActorRef<PermitReply> alice = TestRequests.replyTo();
    ActorRef<PermitReply> bob = TestRequests.replyTo();
    ActiveLease alicesSeventh = TestRequests.lease(1, LeaseKind.SHORT, 0, 100,
        TestRequests.acquire(7, Priority.NORMAL, alice, null));
    ActiveLease bobsSeventh = TestRequests.lease(2, LeaseKind.SHORT, 0, 100,
        TestRequests.acquire(7, Priority.NORMAL, bob, null));
    book.add(alicesSeventh);
    book.add(bobsSeventh);
    assertSame(alicesSeventh, book.grantedTo(7, alice));
    assertSame(bobsSeventh, book.grantedTo(7, bob));
    assertNull(book.grantedTo(8, alice));
  }

  @Test
  void heldByListsEveryLeaseOfOneHolderInGrantOrder() {
    ActorRef<Object> holder = TestRequests.holder();
    ActorRef<Object> other = TestRequests.holder();
    ActorRef<PermitReply> replyTo = TestRequests.replyTo();
    book.add(TestRequests.lease(1, LeaseKind.SHORT, 0, 100, TestRequests.acquire(1, Priority.LOW, replyTo, holder)));
    book.add(TestRequests.lease(2, LeaseKind.SHORT, 0, 100, TestRequests.acquire(2, Priority.LOW, replyTo, other)));
    book.add(TestRequests.lease(3, LeaseKind.LONG_LIVED, 0, 0, TestRequests.acquire(3, Priority.LOW, replyTo, null)));
    book.add(TestRequests.lease(4, LeaseKind.LONG_LIVED, 0, 0,
        TestRequests.acquire(4, Priority.LOW, replyTo, holder)));
    assertEquals(List.of(1L, 4L), ids(book.heldBy(holder)));
    assertEquals(List.of(2L), ids(book.heldBy(other)));
    assertEquals(List.of(), ids(book.heldBy(TestRequests.holder())));
  }

  @Test
  void allIsACopyInGrantOrderThatLeasesMayBeTakenBackFrom() {
    book.add(shortLease(1, 0, 100));
    book.add(longLivedLease(2, 5));
    book.add(shortLease(3, 10, 110));
    List<ActiveLease> all = book.all();
    assertEquals(List.of(1L, 2L, 3L), ids(all));
    for (ActiveLease lease : all) {
      book.remove(lease);
    }
    assertTrue(book.isEmpty());
    assertEquals(3, all.size());
  }

  @Test
  void longestHoldersAreSortedByHoldTimeAndCutToTheCount() {
    book.add(shortLease(1, 30 * MS, 1_000 * MS));
    book.add(longLivedLease(2, 0));
    book.add(shortLease(3, 50 * MS, 1_000 * MS));
    book.add(shortLease(4, 10 * MS, 1_000 * MS));

    List<PoolStats.Holder> top = book.longestHolders(100 * MS, 3);
    assertEquals(List.of(2L, 4L, 1L), holderIds(top));
    assertEquals(List.of(100L, 90L, 70L), top.stream().map(PoolStats.Holder::heldForMillis).toList());
    assertEquals(List.of(2L, 4L, 1L, 3L), holderIds(book.longestHolders(100 * MS, 10)));
    assertEquals(List.of(), book.longestHolders(100 * MS, 0));
    assertThrows(UnsupportedOperationException.class, () -> top.add(top.get(0)), "a snapshot, not a view");
  }

  @Test
  void aHolderNamesItsLeaseOwnerPurposeKindAndWholeMillisecondsHeld() {
    Acquire request = new Acquire(1, "campaign-42", "load-leads", LeaseKind.SHORT, Priority.HIGH,
        Duration.ofSeconds(1), TestRequests.replyTo(), null);
    book.add(TestRequests.lease(7, LeaseKind.SHORT, 1_000, 10_000 * MS, request));
    PoolStats.Holder holder = book.longestHolders(1_000 + 25 * MS + MS - 1, 5).get(0);
    assertEquals(new PoolStats.Holder(7, "campaign-42", "load-leads", LeaseKind.SHORT, 25), holder);
  }

  @Test
  void longLivedHoldersAreEveryLongLivedLeaseInGrantOrder() {
    book.add(longLivedLease(1, 0));
    book.add(shortLease(2, 0, 100));
    book.add(longLivedLease(3, 5 * MS));
    List<PoolStats.Holder> longLived = book.longLivedHolders(10 * MS);
    assertEquals(List.of(1L, 3L), holderIds(longLived));
    assertEquals(List.of(10L, 5L), longLived.stream().map(PoolStats.Holder::heldForMillis).toList());
    assertTrue(longLived.stream().allMatch(h -> h.kind() == LeaseKind.LONG_LIVED));
  }
}
