package io.sluice.persistence.webhook;

import io.sluice.protocols.webhook.DeliveryState;
import java.time.Instant;

/**
 * One {@code webhook_delivery} row: a message at one endpoint.
 *
 * @param attempts the number of the last recorded attempt, 0 before the first
 * @param lastStatus the last attempt's HTTP status (0 when none arrived); null before the first attempt
 * @param lastError the last failed attempt's error; null otherwise
 * @param nextAttemptAt when the next attempt is due while PENDING; null otherwise
 * @param createdAt the message's publication time
 */
public record DeliveryRow(String endpointId, String messageId, DeliveryState state, int attempts, Integer lastStatus,
    String lastError, Instant nextAttemptAt, Instant createdAt, Instant updatedAt) {}
