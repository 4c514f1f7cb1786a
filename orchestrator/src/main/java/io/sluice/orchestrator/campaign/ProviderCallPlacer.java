package io.sluice.orchestrator.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.provider.CallProviderClient;
import io.sluice.orchestrator.provider.PlaceCall;
import io.sluice.orchestrator.provider.PlaceCallResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** {@link CallPlacer} through the call provider's HTTP client; outcomes are posted back to {@code callbackUrl}. */
public final class ProviderCallPlacer implements CallPlacer {
  private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

  private final CallProviderClient client;
  private final ObjectMapper mapper;
  private final Supplier<String> callbackUrl;

  /** @param callbackUrl the webhook's public address, known once HTTP is bound */
  public ProviderCallPlacer(CallProviderClient client, ObjectMapper mapper, Supplier<String> callbackUrl) {
    this.client = client;
    this.mapper = mapper;
    this.callbackUrl = callbackUrl;
  }

  @Override
  public CompletionStage<PlaceCallResult> place(String idempotencyKey, String campaignId, LeadToDial lead,
      int attempt) {
    Map<String, String> metadata;
    try {
      metadata = mapper.readValue(lead.metadataJson(), METADATA);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    return client.placeCall(new PlaceCall(idempotencyKey, lead.phone(), lead.name(), metadata, campaignId,
        Long.toString(lead.leadId()), attempt, callbackUrl.get()));
  }
}
