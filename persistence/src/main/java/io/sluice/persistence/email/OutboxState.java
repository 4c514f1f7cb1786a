package io.sluice.persistence.email;

/** Where an owed email stands; see {@code V5__email_outbox.sql}. */
public enum OutboxState {
  /** Composed and spooled, waiting for its first attempt. */
  PENDING,
  /** Delivered to the transport. Final. */
  SENT,
  /** The last attempt failed: retried at {@code nextAttemptAt}, or given up when that is null. */
  FAILED,
  /** Not sent because a gate was closed (feature flag, owner's preference). Final, with its reason. */
  SKIPPED
}
