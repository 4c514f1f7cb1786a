package io.sluice.persistence.provider;

import java.time.Instant;

/**
 * One row of {@code provider_event}: the columns the campaign side may query on, and the verified body as received.
 *
 * @param payload the event's JSON exactly as the provider signed it
 */
public record ProviderEventRow(String eventId, String callId, String campaignId, String leadId, int attempt,
    String status, String payload, Instant receivedAt) {}
