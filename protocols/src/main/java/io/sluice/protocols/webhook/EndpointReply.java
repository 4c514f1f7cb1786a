package io.sluice.protocols.webhook;

import io.sluice.protocols.CborSerializable;

/** An endpoint entity's answer to a command. */
public sealed interface EndpointReply extends CborSerializable {

  /**
   * The command was applied and journaled (a message beyond the backlog limit: recorded dead-lettered instead).
   *
   * @param pending the messages the entity holds undelivered after it
   */
  record Accepted(String endpointId, int pending) implements EndpointReply {}

  /** The command cannot be applied: the endpoint was deleted, or a replay would pass the backlog limit. */
  record Refused(String endpointId, String reason) implements EndpointReply {}
}
