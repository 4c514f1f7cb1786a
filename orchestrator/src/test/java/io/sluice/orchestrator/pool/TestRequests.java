package io.sluice.orchestrator.pool;

import akka.actor.testkit.typed.javadsl.TestInbox;
import akka.actor.typed.ActorRef;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseId;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import java.time.Duration;
import kamon.Kamon;

/** Requests and leases for the actor-free tests of the supervisor's parts; refs are test inboxes, no system needed. */
final class TestRequests {
  private TestRequests() {}

  static ActorRef<PermitReply> replyTo() {
    return TestInbox.<PermitReply>create().getRef();
  }

  static ActorRef<Object> holder() {
    return TestInbox.create().getRef();
  }

  static Acquire acquire(long requestId, Priority priority, ActorRef<PermitReply> replyTo, ActorRef<?> holder) {
    return new Acquire(requestId, "owner-" + requestId, "purpose-" + requestId, LeaseKind.SHORT, priority,
        Duration.ofSeconds(5), replyTo, holder);
  }

  static Acquire acquire(long requestId, Priority priority) {
    return acquire(requestId, priority, replyTo(), null);
  }

  /** A lease granted at {@code grantedAt}; a SHORT one falls due at {@code holdDeadline}, a LONG_LIVED one never. */
  static ActiveLease lease(long id, LeaseKind kind, long grantedAt, long holdDeadline, Acquire request) {
    Lease lease = new Lease(new LeaseId(id), "db", request.owner(), request.purpose(), kind,
        kind == LeaseKind.LONG_LIVED ? Duration.ZERO : Duration.ofNanos(holdDeadline - grantedAt));
    return new ActiveLease(lease, request, grantedAt,
        kind == LeaseKind.LONG_LIVED ? Long.MAX_VALUE : holdDeadline,
        Kamon.histogram("sluice.test.hold.time").withoutTags());
  }

  static ActiveLease shortLease(long id, long grantedAt, long holdDeadline) {
    return lease(id, LeaseKind.SHORT, grantedAt, holdDeadline, acquire(id, Priority.NORMAL));
  }

  static ActiveLease longLivedLease(long id, long grantedAt) {
    return lease(id, LeaseKind.LONG_LIVED, grantedAt, Long.MAX_VALUE, acquire(id, Priority.NORMAL));
  }
}
