package io.sluice.orchestrator.database;

import io.sluice.protocols.permit.RejectReason;

/** The facade got no permit: the supervisor rejected the request, or did not answer in time. */
public final class PermitUnavailableException extends RuntimeException {
  private final RejectReason reason;

  public PermitUnavailableException(String pool, RejectReason reason, String detail) {
    super("no permit from pool '" + pool + "' (" + reason + "): " + detail);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
