package io.sluice.persistence.webhook;

import io.sluice.protocols.webhook.AttemptOutcome;
import java.time.Instant;

/**
 * One {@code webhook_attempt} row.
 *
 * @param status the HTTP status, 0 when none arrived
 * @param responsePrefix the first bytes of the response body, decoded; empty when there was none
 * @param error why it failed; null on success
 */
public record AttemptRow(String endpointId, String messageId, int attemptNumber, Instant startedAt,
    AttemptOutcome.Kind kind, int status, long latencyMillis, String responsePrefix, String error) {}
