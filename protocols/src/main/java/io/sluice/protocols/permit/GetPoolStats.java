package io.sluice.protocols.permit;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.annotation.JsonCreator;

/** Ask a supervisor for a {@link PoolStats} snapshot. */
public record GetPoolStats(ActorRef<PoolStats> replyTo) implements PermitCommand {
  @JsonCreator
  public GetPoolStats {}
}
