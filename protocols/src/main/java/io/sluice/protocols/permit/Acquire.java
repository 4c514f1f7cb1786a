package io.sluice.protocols.permit;

import akka.actor.typed.ActorRef;
import java.time.Duration;

/**
 * Ask for a permit. Answered with {@link Granted} or {@link Rejected}, both carrying {@code requestId}.
 *
 * @param requestId chosen by the requester, unique per {@code replyTo}; used to correlate replies and to {@link GiveUp}
 * @param owner who holds the lease (for example {@code campaign-42}); shown in stats and logs
 * @param purpose what the lease is for (for example {@code load-leads})
 * @param maxWait how long the request may wait in the queue; must be positive. Longer than {@link #LONGEST_WAIT} (for
 *     example {@code Duration.ofMillis(Long.MAX_VALUE)} meaning "wait forever") counts as {@link #LONGEST_WAIT}
 * @param replyTo receives {@link Granted}, {@link Rejected} and, for a revoked lease, {@link Revoked}
 * @param holder the actor whose death gives the lease back; watched by the supervisor
 */
public record Acquire(
    long requestId,
    String owner,
    String purpose,
    LeaseKind kind,
    Priority priority,
    Duration maxWait,
    ActorRef<PermitReply> replyTo,
    ActorRef<?> holder)
    implements PermitCommand {

  /** The longest wait a request gets, whatever it asks for: long enough to mean "forever", short enough to add to. */
  public static final Duration LONGEST_WAIT = Duration.ofDays(365);
}
