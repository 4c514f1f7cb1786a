package io.sluice.orchestrator.provider;

import java.util.Map;

/** The JSON body of {@code POST /v1/calls}; the idempotency key travels in its header, not here. */
record CallRequestBody(String to, String leadName, Map<String, String> metadata, String campaignId, String leadId,
    int attempt, String callbackUrl) {

  static CallRequestBody of(PlaceCall call) {
    return new CallRequestBody(call.to(), call.leadName(), call.metadata(), call.campaignId(), call.leadId(),
        call.attempt(), call.callbackUrl());
  }
}
