package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import org.junit.jupiter.api.Test;

/** A lease's id, kind, and whose request it answered: the request id and the reply-to must both match. */
class ActiveLeaseTest {

  @Test
  void theIdIsTheLeaseIdsValue() {
    assertEquals(42, TestRequests.shortLease(42, 0, 10).id());
  }

  @Test
  void onlyALongLivedLeaseIsLongLived() {
    assertTrue(TestRequests.longLivedLease(1, 0).longLived());
    assertFalse(TestRequests.shortLease(1, 0, 10).longLived());
  }

  @Test
  void aLeaseWasGrantedToItsRequestIdAtItsReplyToOnly() {
    ActorRef<PermitReply> replyTo = TestRequests.replyTo();
    ActiveLease lease = TestRequests.lease(1, LeaseKind.SHORT, 0, 10,
        TestRequests.acquire(7, Priority.NORMAL, replyTo, null));
    assertTrue(lease.grantedTo(7, replyTo));
    assertFalse(lease.grantedTo(8, replyTo), "another request of the same requester");
    assertFalse(lease.grantedTo(7, TestRequests.replyTo()), "the same request id of another requester");
  }
}
