package io.sluice.orchestrator.pool;

import io.sluice.protocols.permit.Acquire;
import java.time.Duration;

/**
 * What makes an {@link Acquire} acceptable, checked before the supervisor counts or sends anything for it, and the
 * wait it really gets.
 */
final class AcquireValidation {
  private AcquireValidation() {}

  /** Why the request cannot be served, in words for its sender, or null if it can. */
  static String problem(Acquire request) {
    if (request.replyTo() == null) {
      return "replyTo is missing";
    }
    if (request.maxWait() == null || request.maxWait().isNegative() || request.maxWait().isZero()) {
      return "maxWait must be positive, was " + request.maxWait();
    }
    if (request.kind() == null || request.priority() == null) {
      return "kind and priority are required";
    }
    if (request.owner() == null || request.owner().isBlank() || request.purpose() == null
        || request.purpose().isBlank()) {
      return "owner and purpose are required, so that every lease can be traced";
    }
    return null;
  }

  /** The request's max wait, at most {@link Acquire#LONGEST_WAIT}, so that deadlines cannot overflow. */
  static Duration cappedMaxWait(Acquire request) {
    return request.maxWait().compareTo(Acquire.LONGEST_WAIT) > 0 ? Acquire.LONGEST_WAIT : request.maxWait();
  }
}
