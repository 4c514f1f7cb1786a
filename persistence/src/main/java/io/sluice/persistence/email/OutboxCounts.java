package io.sluice.persistence.email;

import java.time.Instant;
import java.util.Map;

/**
 * The outbox at a glance, for the health endpoint.
 *
 * @param byState rows per state, every state present (zero when none)
 * @param oldestOwedSince creation time of the oldest row still owed (PENDING, or FAILED with a retry due), or null
 */
public record OutboxCounts(Map<OutboxState, Long> byState, Instant oldestOwedSince) {
  public OutboxCounts {
    byState = Map.copyOf(byState);
  }
}
