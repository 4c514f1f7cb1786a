package io.sluice.protocols.permit;

/** The permit asked for by request {@code requestId}; hand it back with {@link Release}. */
public record Granted(long requestId, Lease lease) implements PermitReply {}
