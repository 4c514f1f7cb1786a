package io.sluice.protocols.permit;

/** Everything a pool supervisor sends to a requester. */
public sealed interface PermitReply permits Granted, Rejected, Revoked {}
