package io.sluice.orchestrator.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import io.sluice.protocols.campaign.CallOutcome;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads an outcome event body into a {@link ProviderEvent} and checks it, naming the first wrong field, so that the
 * provider's developers learn exactly what to fix. Used for fresh events and for stored ones handed over again.
 */
final class ProviderEventJson {
  private static final String STATUSES = Arrays.stream(CallOutcome.values()).map(Enum::name)
      .collect(Collectors.joining(", "));

  private final ObjectMapper mapper;

  ProviderEventJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ProviderEvent parse(String body) throws InvalidEventException {
    ProviderEvent event;
    try {
      event = mapper.readValue(body, ProviderEvent.class);
    } catch (InvalidFormatException e) {
      String field = field(e);
      throw new InvalidEventException(field, "status".equals(field)
          ? "status must be one of " + STATUSES
          : field + " has the wrong type or format");
    } catch (JsonMappingException e) {
      String field = field(e);
      throw new InvalidEventException(field, field + " has the wrong type or format");
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("body", "the body is not valid JSON");
    }
    if (event == null) {
      throw new InvalidEventException("body", "the body must be a JSON object");
    }
    required("eventId", event.eventId());
    required("callId", event.callId());
    required("idempotencyKey", event.idempotencyKey());
    required("campaignId", event.campaignId());
    required("leadId", event.leadId());
    if (event.status() == null) {
      throw new InvalidEventException("status", "status is required, one of " + STATUSES);
    }
    if (event.attempt() < 1) {
      throw new InvalidEventException("attempt", "attempt is required and must be at least 1");
    }
    if (event.durationSeconds() < 0) {
      throw new InvalidEventException("durationSeconds", "durationSeconds must not be negative");
    }
    if (event.score() != null && (event.score() < 0 || event.score() > 100)) {
      throw new InvalidEventException("score", "score must be between 0 and 100");
    }
    return event;
  }

  private static void required(String field, String value) throws InvalidEventException {
    if (value == null || value.isBlank()) {
      throw new InvalidEventException(field, field + " is required");
    }
    if (value.length() > 200) {
      throw new InvalidEventException(field, field + " must be at most 200 characters");
    }
  }

  private static String field(JsonMappingException e) {
    return e.getPath().stream()
        .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
        .reduce((outer, inner) -> outer + "." + inner)
        .orElse("body");
  }
}
