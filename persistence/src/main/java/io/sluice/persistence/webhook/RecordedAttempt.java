package io.sluice.persistence.webhook;

import io.sluice.protocols.webhook.DeliveryState;
import java.time.Instant;

/**
 * A finished attempt and what it leaves its delivery at.
 *
 * @param nextAttemptAt when the next attempt is due; null unless {@code stateAfter} is PENDING
 */
public record RecordedAttempt(AttemptRow attempt, DeliveryState stateAfter, Instant nextAttemptAt) {}
