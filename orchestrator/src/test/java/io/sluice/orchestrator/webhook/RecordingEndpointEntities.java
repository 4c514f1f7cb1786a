package io.sluice.orchestrator.webhook;

import akka.Done;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * TEST DOUBLE of the {@link EndpointEntities} port (the sharded delivery entities are another component, tested on
 * their own): remembers every call and acknowledges it at once (an enqueue to an endpoint in {@link #unanswered}
 * fails, as an ask that timed out), so that route tests can check what the entities were told. Nothing is delivered.
 */
final class RecordingEndpointEntities implements EndpointEntities {
  record Enqueued(String endpointId, OutboundMessage message) {}

  record Replayed(String endpointId, List<String> messageIds) {}

  final List<Enqueued> enqueued = new CopyOnWriteArrayList<>();
  final List<Replayed> replayed = new CopyOnWriteArrayList<>();
  final List<EndpointConfig> reconfigured = new CopyOnWriteArrayList<>();
  final List<String> woken = new CopyOnWriteArrayList<>();
  final List<String> resynced = new CopyOnWriteArrayList<>();
  final Set<String> unanswered = ConcurrentHashMap.newKeySet();

  @Override
  public CompletionStage<Done> enqueue(String endpointId, OutboundMessage message) {
    enqueued.add(new Enqueued(endpointId, message));
    if (unanswered.contains(endpointId)) {
      return CompletableFuture.failedFuture(new TimeoutException("no answer from endpoint " + endpointId));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> replay(String endpointId, List<String> messageIds) {
    replayed.add(new Replayed(endpointId, List.copyOf(messageIds)));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> reconfigure(EndpointConfig endpoint) {
    reconfigured.add(endpoint);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public void wake(String endpointId) {
    woken.add(endpointId);
  }

  @Override
  public void resync(String endpointId) {
    resynced.add(endpointId);
  }

  EndpointConfig lastConfig() {
    return reconfigured.get(reconfigured.size() - 1);
  }
}
