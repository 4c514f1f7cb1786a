package io.sluice.orchestrator.campaign;

import io.sluice.orchestrator.provider.PlaceCallResult;
import java.util.concurrent.CompletionStage;

/**
 * Asks the call provider for one call; the same idempotency key never places a second call. A stage that fails means
 * the provider could not be reached or kept failing through the client's retries.
 */
public interface CallPlacer {

  CompletionStage<PlaceCallResult> place(String idempotencyKey, String campaignId, LeadToDial lead, int attempt);
}
