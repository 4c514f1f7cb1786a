package io.sluice.orchestrator.webhook;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Publishes an event produced by Sluice itself ({@code campaign.completed}, {@code lead.hot}, {@code call.completed},
 * {@code message.attempt.exhausted}, {@code endpoint.disabled}) through the same path as {@code POST /v1/events}: it
 * is stored as a message and fanned out to the workspace's enabled endpoints whose filter matches.
 */
public interface OperationalEvents {

  /**
   * @param idempotencyKey makes a repeated publication (a retried actor step, a replayed journal) a no-op; derived by
   *     the producer from what the event is about, e.g. {@code "campaign.completed:" + campaignId}
   * @return the message id (the first one's, for a repeated key)
   */
  CompletionStage<String> publish(String workspaceId, String eventType, Map<String, Object> payload,
      String idempotencyKey);
}
