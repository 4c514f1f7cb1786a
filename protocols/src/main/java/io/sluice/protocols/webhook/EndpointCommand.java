package io.sluice.protocols.webhook;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.CborSerializable;
import java.util.List;

/**
 * What an endpoint's delivery entity accepts from outside. Every command that changes the entity is answered with an
 * {@link EndpointReply} once the change is durable. Not sealed: the entity's internal steps (attempt outcomes, timer
 * ticks), which never cross a node, implement it in the orchestrator.
 */
public interface EndpointCommand extends CborSerializable {

  /**
   * A freshly published message for this endpoint; its delivery row is already stored. The payload travels along so
   * that the first attempt needs no read. A message the entity already holds is acknowledged and ignored.
   */
  record Enqueue(OutboundMessage message, ActorRef<EndpointReply> replyTo) implements EndpointCommand {}

  /**
   * Queues stored messages again for a new series of attempts (the retry schedule starts over, the attempt count
   * continues). Ids the entity already holds pending are left as they are.
   */
  record Replay(List<String> messageIds, ActorRef<EndpointReply> replyTo) implements EndpointCommand {
    public Replay {
      messageIds = List.copyOf(messageIds);
    }
  }

  /** The endpoint's configuration changed in the endpoint table (secrets, limits, enabled, paused, URL, ordering). */
  record Reconfigure(EndpointConfig config, ActorRef<EndpointReply> replyTo) implements EndpointCommand {}

  /**
   * Sent at start-up to every endpoint with deliveries pending (and by the serverless tick to those with one due), so
   * that it resumes without waiting for a message. A running entity only starts what is due: it does not read the
   * ledger again.
   */
  enum Wake implements EndpointCommand {
    INSTANCE
  }

  /**
   * Sent when a publication's {@link Enqueue} was not acknowledged (a time-out, a refusal): the entity reads the
   * ledger's pending deliveries again and queues those it neither holds nor has just settled, so that a lost enqueue
   * is delivered without waiting for a restart. An entity that is not running starts, and its start-up read does it.
   */
  enum Resync implements EndpointCommand {
    INSTANCE
  }
}
