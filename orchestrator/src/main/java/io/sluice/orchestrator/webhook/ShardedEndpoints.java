package io.sluice.orchestrator.webhook;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import io.sluice.protocols.webhook.EndpointCommand;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.EndpointReply;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The delivery entities reached through Cluster Sharding ({@link WebhookEndpoint#init} must have run). Each ask waits
 * up to {@code sluice.webhooks.ask-timeout}; a refusal fails the stage with {@link EndpointRefusedException}.
 */
public final class ShardedEndpoints implements EndpointEntities {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  /**
   * Where an answer's continuation runs: the stage an ask returns (Scala's adapter) runs even a plain {@code thenApply}
   * on the JDK's default async executor, a new thread per task on 2 cores.
   */
  private final Executor continuations;

  public ShardedEndpoints(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.continuations = system.executionContext();
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<Done> enqueue(String endpointId, OutboundMessage message) {
    return answer(entity(endpointId).ask(replyTo -> new EndpointCommand.Enqueue(message, replyTo), askTimeout));
  }

  @Override
  public CompletionStage<Done> replay(String endpointId, List<String> messageIds) {
    return answer(entity(endpointId).ask(replyTo -> new EndpointCommand.Replay(messageIds, replyTo), askTimeout));
  }

  @Override
  public CompletionStage<Done> reconfigure(EndpointConfig endpoint) {
    return answer(entity(endpoint.endpointId()).ask(replyTo -> new EndpointCommand.Reconfigure(endpoint, replyTo),
        askTimeout));
  }

  @Override
  public void wake(String endpointId) {
    entity(endpointId).tell(EndpointCommand.Wake.INSTANCE);
  }

  @Override
  public void resync(String endpointId) {
    entity(endpointId).tell(EndpointCommand.Resync.INSTANCE);
  }

  private EntityRef<EndpointCommand> entity(String endpointId) {
    return sharding.entityRefFor(WebhookEndpoint.ENTITY_KEY, endpointId);
  }

  private CompletionStage<Done> answer(CompletionStage<EndpointReply> reply) {
    return reply.thenApplyAsync(answer -> {
      if (answer instanceof EndpointReply.Refused refused) {
        throw new EndpointRefusedException(refused.endpointId(), refused.reason());
      }
      return Done.getInstance();
    }, continuations);
  }
}
