package io.sluice.orchestrator.webhook;

import akka.Done;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The webhook tables as the delivery entities use them: every call is one unit of work under one database permit,
 * and none is made while an HTTP attempt is in flight.
 */
public interface DeliveryLedger {

  /** The endpoint's current configuration; empty if it was deleted. */
  CompletionStage<Optional<EndpointConfig>> endpoint(String endpointId);

  /**
   * The ids of the endpoint's PENDING deliveries, oldest publication first: read once when its entity starts, so
   * that a delivery stored by a publication whose enqueue the entity never journaled (a crash in between) is queued.
   */
  CompletionStage<List<String>> pending(String endpointId);

  /**
   * How many attempts each of these messages has had at this endpoint (its last recorded attempt number); ids never
   * attempted there are absent. Read before a replay or a start-up re-queue, so that the new series' attempt numbers
   * continue the count (recording is idempotent per attempt number: a restarted count would record nothing).
   */
  CompletionStage<Map<String, Integer>> attempts(String endpointId, Collection<String> messageIds);

  /** The stored messages with these ids (payload included); ids no longer stored are absent from the map. */
  CompletionStage<Map<String, OutboundMessage>> messages(Collection<String> messageIds);

  /**
   * Records finished attempts and the deliveries' new states in one transaction. Idempotent per (endpoint, message,
   * attempt number), so that recording again after a crash changes nothing.
   */
  CompletionStage<Done> record(List<AttemptRecord> attempts);

  /** Marks the endpoint disabled with the reason (410 Gone, or failing continuously); returns whether it changed. */
  CompletionStage<Boolean> disable(String endpointId, String reason);
}
