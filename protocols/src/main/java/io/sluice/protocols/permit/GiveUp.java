package io.sluice.protocols.permit;

import akka.actor.typed.ActorRef;

/**
 * The requester no longer wants the permit of its {@link Acquire}: a waiting request leaves the queue, a permit
 * already granted to it (a grant that crossed the requester's own time-out) goes back to the pool.
 */
public record GiveUp(ActorRef<PermitReply> replyTo, long requestId) implements PermitCommand {}
