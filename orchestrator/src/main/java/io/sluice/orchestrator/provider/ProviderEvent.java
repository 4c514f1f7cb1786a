package io.sluice.orchestrator.provider;

import io.sluice.protocols.campaign.CallOutcome;

/**
 * A call's outcome as the provider posts it to {@code POST /v1/provider/events}, after its signature was verified.
 *
 * @param eventId the Standard Webhooks {@code webhook-id}; the same on every redelivery of this event
 * @param idempotencyKey the key the call was placed under (one per lead attempt)
 * @param durationSeconds how long the call lasted, 0 if never connected
 * @param summary the agent's summary of the conversation; null if there was none
 * @param score the lead's score 0–100; null unless the call was answered
 */
public record ProviderEvent(String eventId, String callId, String idempotencyKey, String campaignId, String leadId,
    int attempt, CallOutcome status, long durationSeconds, String summary, Integer score) {}
