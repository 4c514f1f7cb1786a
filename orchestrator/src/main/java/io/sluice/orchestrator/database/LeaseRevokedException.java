package io.sluice.orchestrator.database;

import io.sluice.protocols.permit.Lease;

/** The work failed because the supervisor took its lease back (held past max hold) and aborted its connection. */
public final class LeaseRevokedException extends RuntimeException {
  public LeaseRevokedException(Lease lease, Throwable cause) {
    super("pool '" + lease.pool() + "': " + lease.id() + " (owner " + lease.owner() + ", purpose " + lease.purpose()
        + ") was revoked while its work ran; the connection was aborted and the transaction rolled back", cause);
  }
}
