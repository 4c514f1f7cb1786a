package io.sluice.protocols.webhook;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.protocols.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What an endpoint's journal holds: the delivery schedule (per pending message its attempt count, next due time and
 * publish order), when the endpoint started failing, and the operational events it still owes. Never payloads and
 * never the endpoint's configuration (its secrets): both are read from the tables.
 *
 * <p>Schema evolution rule: events and their parts are never renamed, moved or reshaped in place; a field may be added
 * (readers of old events see null or the default, so new fields must tolerate it), and anything else is a new event
 * type next to the old one, whose handler stays for as long as journals may hold it.
 */
public sealed interface EndpointEvent extends CborSerializable {

  /**
   * Messages queued for a series of attempts, in publish order.
   *
   * @param attempts attempts already made at this endpoint: 0 when published, the recorded count when replayed
   * @param dueAt when the series' first attempt is due
   */
  record Queued(String messageId, int attempts, Instant dueAt) implements CborSerializable {}

  record Enqueued(List<Queued> messages) implements EndpointEvent {
    @JsonCreator
    public Enqueued {
      messages = List.copyOf(messages);
    }
  }

  /**
   * One finished attempt, already recorded in the delivery ledger.
   *
   * @param attempt the attempt's number at this endpoint (1 for the first)
   * @param stateAfter DELIVERED and DEAD leave the schedule; PENDING stays, due at {@code nextDueAt}
   */
  record Finished(String messageId, int attempt, AttemptOutcome.Kind kind, int status, Instant finishedAt,
      DeliveryState stateAfter, Instant nextDueAt) implements CborSerializable {}

  /**
   * Operational event the endpoint owes: published after this is journaled, removed by {@link NoticesSent}, published
   * again after a crash in between (its idempotency key makes that a no-op).
   *
   * @param key the publication's idempotency key, derived from the subject
   * @param eventType {@code message.attempt.exhausted} or {@code endpoint.disabled}
   * @param messageId the exhausted message; null for {@code endpoint.disabled}
   * @param messageEventType the exhausted message's own type; null for {@code endpoint.disabled}
   * @param reason why the endpoint was disabled; null for {@code message.attempt.exhausted}
   */
  record Notice(String key, String eventType, String messageId, String messageEventType, int attempts,
      int lastStatus, String reason, Instant at) implements CborSerializable {}

  /** Attempts that finished together, written in one group commit, and the notices they raised. */
  record AttemptsFinished(List<Finished> attempts, List<Notice> notices) implements EndpointEvent {
    public AttemptsFinished {
      attempts = List.copyOf(attempts);
      notices = List.copyOf(notices);
    }
  }

  /** Messages that leave the schedule without an attempt: no longer stored (retention). */
  record Dropped(List<String> messageIds, String reason) implements EndpointEvent {
    public Dropped {
      messageIds = List.copyOf(messageIds);
    }
  }

  /**
   * The endpoint is to be disabled (410 Gone, or failing continuously): its {@code notice} marks it disabled in the
   * ledger and publishes {@code endpoint.disabled}. Ends the failing period.
   */
  record Disabled(String reason, Instant at, Notice notice) implements EndpointEvent {}

  /** These notices (by key) were published. */
  record NoticesSent(List<String> keys) implements EndpointEvent {
    @JsonCreator
    public NoticesSent {
      keys = List.copyOf(keys);
    }
  }

  /** The endpoint was deleted: every pending message and owed notice is dropped. */
  record Cleared(Instant at) implements EndpointEvent {
    @JsonCreator
    public Cleared {}
  }
}
