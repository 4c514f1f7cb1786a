package io.sluice.persistence.campaign;

/**
 * One lead attempt to claim for dialling.
 *
 * @param attempt the attempt being claimed: the lead must be PENDING with {@code attempt - 1} attempts so far
 * @param idempotencyKey the provider call's key for this attempt, stored on the lead
 */
public record LeadClaim(long leadId, int attempt, String idempotencyKey) {}
