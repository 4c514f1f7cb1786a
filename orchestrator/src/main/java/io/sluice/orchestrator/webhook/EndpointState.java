package io.sluice.orchestrator.webhook;

import io.sluice.protocols.CborSerializable;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.DeliveryState;
import io.sluice.protocols.webhook.EndpointEvent;
import io.sluice.protocols.webhook.EndpointEvent.Notice;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * An endpoint entity's durable state: the schedule of its undelivered messages, when it started failing, and the
 * operational events it still owes. Payloads are not part of it (they are read from the message table when due), so
 * a snapshot stays small: a few dozen bytes per pending message. Immutable: each event makes a new state.
 *
 * @param pending message id → its schedule, for every message queued and neither delivered nor dead-lettered
 * @param lastSeq the publish-order number given to the latest queued message
 * @param failingSince the end of the first failed attempt since the last success (or since the endpoint was last
 *     disabled); null while the endpoint is not failing
 * @param notices idempotency key → notice, for every operational event raised and not yet published
 */
public record EndpointState(Map<String, Scheduled> pending, long lastSeq, Instant failingSince,
    Map<String, Notice> notices) implements CborSerializable {

  /**
   * One pending message's schedule.
   *
   * @param attempts attempts made so far at this endpoint (the next one's number is {@code attempts + 1})
   * @param seriesStart {@code attempts} when the current series began (0, or the count at a replay): the retry
   *     schedule counts from there
   * @param dueAt when the next attempt is due
   * @param seq publish order: the order in which messages were queued, which ORDERED delivery follows
   */
  public record Scheduled(int attempts, int seriesStart, Instant dueAt, long seq) implements CborSerializable {

    /** Attempts made in the current series. */
    public int attemptsInSeries() {
      return attempts - seriesStart;
    }
  }

  public static EndpointState blank() {
    return new EndpointState(Map.of(), 0, null, Map.of());
  }

  public EndpointState apply(EndpointEvent event) {
    if (event instanceof EndpointEvent.Enqueued e) {
      Map<String, Scheduled> next = new HashMap<>(pending);
      long seq = lastSeq;
      for (EndpointEvent.Queued queued : e.messages()) {
        if (!next.containsKey(queued.messageId())) {
          next.put(queued.messageId(), new Scheduled(queued.attempts(), queued.attempts(), queued.dueAt(), ++seq));
        }
      }
      return new EndpointState(Map.copyOf(next), seq, failingSince, notices);
    } else if (event instanceof EndpointEvent.AttemptsFinished e) {
      return finished(e);
    } else if (event instanceof EndpointEvent.Dropped e) {
      Map<String, Scheduled> next = new HashMap<>(pending);
      e.messageIds().forEach(next::remove);
      return new EndpointState(Map.copyOf(next), lastSeq, failingSince, notices);
    } else if (event instanceof EndpointEvent.Disabled e) {
      return new EndpointState(pending, lastSeq, null, withNotice(notices, e.notice()));
    } else if (event instanceof EndpointEvent.NoticesSent e) {
      Map<String, Notice> owed = new HashMap<>(notices);
      e.keys().forEach(owed::remove);
      return new EndpointState(pending, lastSeq, failingSince, Map.copyOf(owed));
    } else if (event instanceof EndpointEvent.Cleared) {
      return new EndpointState(Map.of(), lastSeq, null, Map.of());
    }
    throw new IllegalArgumentException("unknown endpoint event " + event.getClass().getName());
  }

  /** Attempts in the order they finished: a success ends the failing period, a failure starts one if none runs. */
  private EndpointState finished(EndpointEvent.AttemptsFinished e) {
    Map<String, Scheduled> next = new HashMap<>(pending);
    Instant failing = failingSince;
    for (EndpointEvent.Finished attempt : e.attempts()) {
      Scheduled scheduled = next.get(attempt.messageId());
      if (scheduled != null) {
        if (attempt.stateAfter() == DeliveryState.PENDING) {
          next.put(attempt.messageId(), new Scheduled(attempt.attempt(), scheduled.seriesStart(),
              attempt.nextDueAt(), scheduled.seq()));
        } else {
          next.remove(attempt.messageId());
        }
      }
      if (attempt.kind() == AttemptOutcome.Kind.DELIVERED) {
        failing = null;
      } else if (failing == null) {
        failing = attempt.finishedAt();
      }
    }
    Map<String, Notice> owed = notices;
    for (Notice notice : e.notices()) {
      owed = withNotice(owed, notice);
    }
    return new EndpointState(Map.copyOf(next), lastSeq, failing, owed);
  }

  private static Map<String, Notice> withNotice(Map<String, Notice> owed, Notice notice) {
    Map<String, Notice> next = new HashMap<>(owed);
    next.put(notice.key(), notice);
    return Map.copyOf(next);
  }
}
