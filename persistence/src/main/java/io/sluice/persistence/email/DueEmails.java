package io.sluice.persistence.email;

import java.time.Instant;
import java.util.List;

/**
 * What a tick's one read of the outbox finds: the emails owed whose attempt is due, soonest first, and when the next
 * one after them falls due.
 *
 * @param due owed rows (PENDING, or FAILED with a retry) due at the time asked, at most the limit asked for
 * @param nextDue the earliest attempt due later; the time asked when more rows were due than the limit; null if none
 */
public record DueEmails(List<OutboxRow> due, Instant nextDue) {
  public DueEmails {
    due = List.copyOf(due);
  }
}
