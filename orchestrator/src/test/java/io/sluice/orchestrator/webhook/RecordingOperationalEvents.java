package io.sluice.orchestrator.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * TEST FIXTURE: {@link OperationalEvents} that remembers each publication; a repeated idempotency key is a no-op, as
 * with the real publisher.
 */
final class RecordingOperationalEvents implements OperationalEvents {

  record Published(String workspaceId, String eventType, Map<String, Object> payload, String key) {}

  private final Map<String, Published> byKey = new LinkedHashMap<>();

  synchronized List<Published> published() {
    return new ArrayList<>(byKey.values());
  }

  synchronized List<Published> ofType(String eventType) {
    return byKey.values().stream().filter(event -> event.eventType().equals(eventType)).toList();
  }

  @Override
  public synchronized CompletionStage<String> publish(String workspaceId, String eventType,
      Map<String, Object> payload, String idempotencyKey) {
    byKey.putIfAbsent(idempotencyKey, new Published(workspaceId, eventType, Map.copyOf(payload), idempotencyKey));
    return CompletableFuture.completedFuture(idempotencyKey);
  }
}
