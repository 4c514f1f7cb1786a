package io.sluice.protocols.permit;

import java.time.Duration;

/**
 * A granted permit for one physical connection of {@code pool}.
 *
 * @param maxHold how long a {@link LeaseKind#SHORT} lease may be held before it is revoked; {@link Duration#ZERO}
 *     for {@link LeaseKind#LONG_LIVED} leases, which are never revoked while their holder lives
 */
public record Lease(LeaseId id, String pool, String owner, String purpose, LeaseKind kind, Duration maxHold) {}
