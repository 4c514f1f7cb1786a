package io.sluice.orchestrator.database;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.Priority;
import java.time.Duration;

/**
 * What the facade asks the supervisor for.
 *
 * @param holder the actor on whose behalf the work runs; its death gives the permit back (null: not watched)
 * @param maxWait how long to wait for a permit; null means the pool's {@code default-max-wait}
 */
public record PermitRequest(
    ActorRef<?> holder, String owner, String purpose, LeaseKind kind, Priority priority, Duration maxWait) {

  /** A SHORT, NORMAL-priority request with the pool's default wait. */
  public static PermitRequest of(ActorRef<?> holder, String owner, String purpose) {
    return new PermitRequest(holder, owner, purpose, LeaseKind.SHORT, Priority.NORMAL, null);
  }

  /**
   * A LONG_LIVED, NORMAL-priority request with the pool's default wait, for {@link Database#stream} and {@link
   * Database#bulkWrite}: a stream lives as long as its consumer wants, so it must not be revoked at max-hold.
   */
  public static PermitRequest forStream(ActorRef<?> holder, String owner, String purpose) {
    return new PermitRequest(holder, owner, purpose, LeaseKind.LONG_LIVED, Priority.NORMAL, null);
  }

  public PermitRequest withPriority(Priority newPriority) {
    return new PermitRequest(holder, owner, purpose, kind, newPriority, maxWait);
  }

  public PermitRequest withMaxWait(Duration newMaxWait) {
    return new PermitRequest(holder, owner, purpose, kind, priority, newMaxWait);
  }
}
