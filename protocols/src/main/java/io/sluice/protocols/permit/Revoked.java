package io.sluice.protocols.permit;

/** The supervisor took the lease back (held past its max hold time); a connection still in use under it was aborted. */
public record Revoked(LeaseId lease, String reason) implements PermitReply {}
