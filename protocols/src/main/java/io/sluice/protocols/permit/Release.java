package io.sluice.protocols.permit;

import java.time.Duration;

/**
 * Give a lease back. Idempotent: a duplicate or late release of the same lease is ignored and counted.
 *
 * @param busy how long the connection was actually in use (query latency), as measured by the holder; null when the
 *     work never had a connection (opening it failed), so that no latency is reported for it
 * @param failed whether the work done under the lease failed
 */
public record Release(LeaseId lease, Duration busy, boolean failed) implements PermitCommand {}
