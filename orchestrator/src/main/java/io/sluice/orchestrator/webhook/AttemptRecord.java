package io.sluice.orchestrator.webhook;

import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.DeliveryState;
import java.time.Instant;

/**
 * One finished attempt and what it left the delivery at, for the read side.
 *
 * @param attemptNumber 1 for the first attempt of the message at this endpoint; a replay continues the count
 * @param stateAfter the delivery's state once this attempt is counted
 * @param nextAttemptAt when the next attempt is due; null unless {@code stateAfter} is PENDING
 */
public record AttemptRecord(String endpointId, String messageId, int attemptNumber, Instant startedAt,
    AttemptOutcome outcome, DeliveryState stateAfter, Instant nextAttemptAt) {}
