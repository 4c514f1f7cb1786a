package io.sluice.orchestrator.classifier;

import java.util.Map;

/**
 * What the classifier is asked about one finished call.
 *
 * @param callId the provider's call id, for the classifier's logs and idempotency
 * @param transcriptSummary the provider's summary of the conversation (never the raw transcript)
 * @param providerScore the provider's own score, 0 to 100
 * @param lead the lead's free metadata as imported (company, role, country, ...), without name or phone
 */
public record ClassifyRequest(String callId, String transcriptSummary, int providerScore, Map<String, Object> lead) {}
