package io.sluice.protocols.campaign;

import java.util.List;
import java.util.Map;

/**
 * Everything a campaign was created with, apart from its leads (which live in a table, never in the entity).
 *
 * @param retries per retryable outcome; an outcome without a rule is final
 * @param maxConcurrentCalls the most calls of this campaign in flight at once (the account's call slots cap all
 *     campaigns together)
 * @param hotThreshold an answered call scoring at least this (0–100) makes its lead hot
 */
public record CampaignTerms(
    String workspaceId,
    String name,
    CampaignOwner owner,
    List<CallWindow> windows,
    Map<CallOutcome, RetryRule> retries,
    int maxConcurrentCalls,
    int hotThreshold) {}
