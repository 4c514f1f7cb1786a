package io.sluice.orchestrator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import io.sluice.protocols.webhook.OutboundMessage;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body a receiver gets, in the Standard Webhooks payload structure: {@code {"type": <event type>, "timestamp":
 * <publication time, ISO-8601>, "data": <the published payload, as stored>}}. The same bytes on every attempt, so a
 * receiver's deduplication and signature check see one message.
 */
final class WebhookBody {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookBody() {}

  static String of(OutboundMessage message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", message.eventType());
    body.put("timestamp", message.createdAt().toString());
    // Stored only after it was parsed as JSON: written as it is, never parsed again.
    body.put("data", new RawValue(message.payload()));
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
