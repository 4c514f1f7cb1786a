package io.sluice.protocols.permit;

/** Request {@code requestId} gets no permit; {@code detail} says why in words a person can act on. */
public record Rejected(long requestId, RejectReason reason, String detail) implements PermitReply {}
