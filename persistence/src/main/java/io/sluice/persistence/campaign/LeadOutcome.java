package io.sluice.persistence.campaign;

/** How attempt {@code attempt} of a lead ended, to write while the lead is DIALING that attempt. */
public record LeadOutcome(long leadId, int attempt, OutcomeUpdate update) {}
