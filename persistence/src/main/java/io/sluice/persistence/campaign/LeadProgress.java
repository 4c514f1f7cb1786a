package io.sluice.persistence.campaign;

import io.sluice.protocols.campaign.CallOutcome;
import java.util.Map;

/** How a campaign's leads stand, counted in one unit of work: per state, per latest outcome, per classification. */
public record LeadProgress(Map<LeadState, Long> states, Map<CallOutcome, Long> outcomes,
    Map<String, Long> classifications) {}
