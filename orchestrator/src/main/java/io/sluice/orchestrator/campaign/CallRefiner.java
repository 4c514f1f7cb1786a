package io.sluice.orchestrator.campaign;

import io.sluice.protocols.campaign.CallReport;
import java.util.concurrent.CompletionStage;

/**
 * Refines an answered call's score (the optional classifier). May take seconds: the campaign calls it with no
 * database permit held, between reading the report and writing the settlement.
 */
public interface CallRefiner {

  /** The refined score and a label; a failed stage means "keep the provider's score". */
  CompletionStage<Refinement> refine(CallReport report, LeadToDial lead);

  record Refinement(int score, String label) {}
}
