package io.sluice.protocols.permit;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Duration;

/**
 * The resource behind the permits refused work with "too many requests" (HTTP 429) and asked to be left alone for
 * {@code retryAfter}: it has less capacity than the permits granted say. The supervisor caps its limit at the permits
 * granted when the signal arrives minus one (the refused work's own permit; send this before releasing that permit),
 * never below its floor (the pool's {@code limit-control.min-limit}), until {@code retryAfter} has passed; then the
 * limit is what it would have been without the throttle. A later throttle while one is in force keeps the lower cap
 * and the later end. Granted leases are never revoked by it: the limit is reached again as they come back.
 *
 * @param retryAfter how long the cap holds; must be positive. Longer than {@link #LONGEST} counts as {@link #LONGEST},
 *     so that a provider's odd Retry-After cannot freeze the pool: the next refusal extends the throttle anyway
 */
public record Throttle(Duration retryAfter) implements PermitCommand {
  public static final Duration LONGEST = Duration.ofHours(1);

  @JsonCreator
  public Throttle {}
}
