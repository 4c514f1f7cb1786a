package io.sluice.protocols.permit;

/** The supervisor took the lease back (held past its max hold time); its connection was aborted. */
public record Revoked(LeaseId lease, String reason) implements PermitReply {}
