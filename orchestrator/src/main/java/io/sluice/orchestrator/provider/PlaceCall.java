package io.sluice.orchestrator.provider;

import java.util.Map;

/**
 * One lead attempt to place with the call provider.
 *
 * @param idempotencyKey one per lead attempt, the same on every retry: the provider places at most one call per key
 * @param to the lead's number in E.164 ({@code +14155550123})
 * @param metadata free-form context (null: none) the provider's agent may use (campaign script variables)
 * @param attempt the attempt number of this lead, 1-based
 * @param callbackUrl where the provider posts the outcome event
 */
public record PlaceCall(String idempotencyKey, String to, String leadName, Map<String, String> metadata,
    String campaignId, String leadId, int attempt, String callbackUrl) {
  public PlaceCall {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
