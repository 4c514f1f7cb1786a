package io.sluice.persistence;

/** A connection was asked for under a lease the supervisor never granted, or has already taken back. */
public final class LeaseNotAdmittedException extends IllegalStateException {
  public LeaseNotAdmittedException(String pool, long leaseId) {
    super("pool '" + pool + "': lease-" + leaseId + " was not granted or has been retired (released, revoked, or its"
        + " holder stopped); ask the supervisor for a new permit");
  }
}
