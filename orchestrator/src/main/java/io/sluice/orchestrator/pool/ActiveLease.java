package io.sluice.orchestrator.pool;

import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseKind;

/**
 * A granted lease and what the supervisor needs to police it.
 *
 * @param holdDeadline when a SHORT lease becomes a leak (grant time + max hold); {@link Long#MAX_VALUE} for a
 *     LONG_LIVED lease, which is never revoked while its holder lives
 * @param holdTime the hold-time series the lease records into when it ends
 */
record ActiveLease(Lease lease, Acquire request, long grantedAt, long holdDeadline,
    kamon.metric.Histogram holdTime) {

  long id() {
    return lease.id().value();
  }

  boolean longLived() {
    return lease.kind() == LeaseKind.LONG_LIVED;
  }

  /** Whether this is the lease the requester of {@code requestId} answering to {@code replyTo} was granted. */
  boolean grantedTo(long requestId, Object replyTo) {
    return request.requestId() == requestId && request.replyTo().equals(replyTo);
  }
}
