package io.sluice.persistence.campaign;

/** Where a lead is in its life: waiting for its next attempt, being called, or done. */
public enum LeadState {
  /** Waiting until {@code next_attempt_at}. */
  PENDING,
  /** Claimed for attempt number {@code attempts}; its outcome has not been recorded yet. */
  DIALING,
  /** Done: {@code last_outcome} is final. */
  FINAL
}
