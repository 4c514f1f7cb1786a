package io.sluice.protocols.campaign;

/**
 * What the call provider reported about one call attempt, after its signature was verified.
 *
 * @param attempt the lead's attempt number the call was placed under (part of its idempotency key)
 * @param score 0–100 as the provider scored the call
 */
public record CallReport(
    String eventId, String callId, long leadId, int attempt, CallOutcome outcome, int durationSeconds, String summary,
    int score) {}
