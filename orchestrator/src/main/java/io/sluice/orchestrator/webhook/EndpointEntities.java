package io.sluice.orchestrator.webhook;

import akka.Done;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The sharded delivery entities (one per endpoint) as the publisher and the API reach them. Each stage completes once
 * the entity has journaled the change. The API waits for it (a replay's or a configuration change's 2xx means the
 * entity has it); a publication does not, its rows are durable before it tells the entity ({@link EventPublisher}).
 */
public interface EndpointEntities {

  /** Queues a freshly published message; a message the entity already holds is ignored. */
  CompletionStage<Done> enqueue(String endpointId, OutboundMessage message);

  /** Queues messages again for a new series of attempts (dead-lettered or delivered ones alike). */
  CompletionStage<Done> replay(String endpointId, List<String> messageIds);

  /** Hands the entity its endpoint's changed configuration (secrets, limits, enabled, paused, URL, ordering). */
  CompletionStage<Done> reconfigure(EndpointConfig endpoint);

  /** Wakes the entity so that it resumes what it has pending (at start-up). */
  void wake(String endpointId);

  /** Has the entity read its pending deliveries again and queue those it does not hold (an enqueue was lost). */
  void resync(String endpointId);
}
