package io.sluice.orchestrator.classifier;

import akka.actor.typed.ActorSystem;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.campaign.CallRefiner;
import io.sluice.orchestrator.campaign.LeadToDial;
import io.sluice.protocols.campaign.CallReport;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaign's {@link CallRefiner} backed by the {@link ClassifierClient}: the provider's summary and score and the
 * lead's free metadata go to the classifier; a failed stage (the classifier refused, or kept failing) tells the
 * campaign to keep the provider's score. The lead's name and phone number are never sent.
 */
public final class ClassifierRefiner implements CallRefiner {
  private static final Logger log = LoggerFactory.getLogger(ClassifierRefiner.class);
  private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {};

  private final ClassifierClient client;
  private final ObjectMapper mapper;

  public ClassifierRefiner(ActorSystem<?> system, ClassifierClient client) {
    this.client = client;
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  @Override
  public CompletionStage<Refinement> refine(CallReport report, LeadToDial lead) {
    return client.classify(new ClassifyRequest(report.callId(), report.summary(), report.score(), metadata(lead)))
        .thenApply(classification -> new Refinement(classification.score(), classification.label().name()));
  }

  /** The lead's metadata as a JSON object; anything else is not sent (the classification still runs). */
  private Map<String, Object> metadata(LeadToDial lead) {
    if (lead.metadataJson() == null || lead.metadataJson().isBlank()) {
      return Map.of();
    }
    try {
      Map<String, Object> metadata = mapper.readValue(lead.metadataJson(), METADATA);
      return metadata == null ? Map.of() : metadata;
    } catch (JsonProcessingException e) {
      log.debug("lead metadata is not a JSON object; classified without it: leadId={}", lead.leadId());
      return Map.of();
    }
  }
}
