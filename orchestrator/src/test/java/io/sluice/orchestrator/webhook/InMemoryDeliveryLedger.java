package io.sluice.orchestrator.webhook;

import akka.Done;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST FIXTURE: a {@link DeliveryLedger} in memory, for the delivery entity's own tests (the real one, on the webhook
 * tables, is tested with the tables). Remembers every call so that a test can read what the entity wrote, and
 * answers {@link #attempts} from what was recorded, as the tables would.
 */
final class InMemoryDeliveryLedger implements DeliveryLedger {
  private final Map<String, EndpointConfig> endpoints = new ConcurrentHashMap<>();
  private final Map<String, OutboundMessage> messages = new ConcurrentHashMap<>();
  private final Map<String, List<String>> pending = new ConcurrentHashMap<>();
  private final List<List<AttemptRecord>> recordCalls = new ArrayList<>();
  private final List<String> disableReasons = new ArrayList<>();
  private final AtomicInteger messageReads = new AtomicInteger();

  void put(EndpointConfig endpoint) {
    endpoints.put(endpoint.endpointId(), endpoint);
  }

  void delete(String endpointId) {
    endpoints.remove(endpointId);
  }

  EndpointConfig endpointNow(String endpointId) {
    return endpoints.get(endpointId);
  }

  void store(OutboundMessage message) {
    messages.put(message.messageId(), message);
  }

  /** What {@link #pending} answers for the endpoint (the delivery rows a publication stored). */
  void pendingRows(String endpointId, List<String> messageIds) {
    pending.put(endpointId, List.copyOf(messageIds));
  }

  synchronized List<AttemptRecord> records() {
    return recordCalls.stream().flatMap(List::stream).toList();
  }

  synchronized List<AttemptRecord> recordsOf(String messageId) {
    return records().stream().filter(record -> record.messageId().equals(messageId)).toList();
  }

  synchronized int recordCalls() {
    return recordCalls.size();
  }

  synchronized List<String> disableReasons() {
    return List.copyOf(disableReasons);
  }

  int messageReads() {
    return messageReads.get();
  }

  @Override
  public CompletionStage<Optional<EndpointConfig>> endpoint(String endpointId) {
    return CompletableFuture.completedFuture(Optional.ofNullable(endpoints.get(endpointId)));
  }

  @Override
  public CompletionStage<List<String>> pending(String endpointId) {
    return CompletableFuture.completedFuture(pending.getOrDefault(endpointId, List.of()));
  }

  @Override
  public synchronized CompletionStage<Map<String, Integer>> attempts(String endpointId,
      Collection<String> messageIds) {
    Map<String, Integer> counts = new HashMap<>();
    for (AttemptRecord record : records()) {
      if (record.endpointId().equals(endpointId) && messageIds.contains(record.messageId())) {
        counts.merge(record.messageId(), record.attemptNumber(), Math::max);
      }
    }
    return CompletableFuture.completedFuture(counts);
  }

  @Override
  public CompletionStage<Map<String, OutboundMessage>> messages(Collection<String> messageIds) {
    messageReads.incrementAndGet();
    Map<String, OutboundMessage> found = new HashMap<>();
    messageIds.forEach(id -> Optional.ofNullable(messages.get(id)).ifPresent(message -> found.put(id, message)));
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public synchronized CompletionStage<Done> record(List<AttemptRecord> attempts) {
    recordCalls.add(List.copyOf(attempts));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public synchronized CompletionStage<Boolean> disable(String endpointId, String reason) {
    EndpointConfig endpoint = endpoints.get(endpointId);
    boolean changed = endpoint != null && endpoint.enabled();
    if (changed) {
      endpoints.put(endpointId, WebhookFixtures.config(endpoint, false, endpoint.paused()));
    }
    disableReasons.add(reason);
    return CompletableFuture.completedFuture(changed);
  }
}
