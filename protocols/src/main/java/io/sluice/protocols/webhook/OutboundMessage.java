package io.sluice.protocols.webhook;

import io.sluice.protocols.CborSerializable;
import java.time.Instant;

/**
 * One published message as an endpoint receives it.
 *
 * @param messageId the stable {@code webhook-id}: the same on every attempt, every endpoint and every replay
 * @param eventType the event's type, e.g. {@code campaign.completed}
 * @param createdAt when it was published
 * @param payload the JSON body sent, exactly as stored
 */
public record OutboundMessage(String messageId, String eventType, Instant createdAt, String payload)
    implements CborSerializable {}
