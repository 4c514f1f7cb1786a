package io.sluice.orchestrator.webhook;

import io.sluice.orchestrator.webhook.EndpointState.Scheduled;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an endpoint's entity knows besides its journal, for the life of one incarnation: which messages are busy
 * (being read, in flight over HTTP, or finished and being recorded), the payloads kept for first attempts, the rate
 * limit and the throttle hold, and an index of the pending messages by due time and by publish order, kept in step
 * with the journaled state so that choosing what to start never scans or sorts the whole backlog.
 *
 * <p>{@link #plan} decides what starts now: nothing while the endpoint is paused, disabled or held; in ORDERED mode
 * the head of the publish order alone, once nothing else is busy; in UNORDERED mode due messages in due order, up to
 * the endpoint's max concurrency and its rate limit. It also says when to look again (the one timer).
 */
final class DeliveryQueue {
  /** First-attempt payloads kept at most, so that a long ORDERED backlog does not pin its payloads in memory. */
  static final int PAYLOAD_CACHE_LIMIT = 1_000;

  private static final Comparator<Entry> BY_DUE =
      Comparator.comparing(Entry::dueAt).thenComparingLong(Entry::seq);
  private static final Comparator<Entry> BY_SEQ = Comparator.comparingLong(Entry::seq);

  /** One attempt sent and not yet answered. */
  record InFlight(int attempt, Instant startedAt, OutboundMessage message) {}

  /**
   * @param start message ids to start now (their rate-limit slots and concurrency are taken)
   * @param wakeAt when something more could start, null if only a finishing attempt or a command can change it
   */
  record Plan(List<String> start, Instant wakeAt) {}

  private record Entry(String messageId, Instant dueAt, long seq) {}

  /** Enough to cover every enqueue in flight towards one endpoint; about 100 bytes each. */
  private static final int RECENTLY_SETTLED = 10_000;

  private final Map<String, Entry> entries = new HashMap<>();
  private final TreeSet<Entry> byDue = new TreeSet<>(BY_DUE);
  private final TreeSet<Entry> bySeq = new TreeSet<>(BY_SEQ);
  private final Map<String, OutboundMessage> payloads = new HashMap<>();
  private final Map<String, InFlight> inFlight = new HashMap<>();
  private final Set<String> fetching = new HashSet<>();
  private final Set<String> settling = new HashSet<>();
  private final RateLimit rate = new RateLimit();
  private final Set<String> recentlySettled = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RECENTLY_SETTLED;
    }
  });
  private Instant holdUntil = Instant.MIN;

  /** Indexes the whole schedule (after recovery). */
  void rebuild(EndpointState state) {
    entries.clear();
    byDue.clear();
    bySeq.clear();
    refresh(state, state.pending().keySet());
  }

  /** Re-indexes these messages after an event changed them. */
  void refresh(EndpointState state, Collection<String> messageIds) {
    for (String id : messageIds) {
      Entry old = entries.remove(id);
      if (old != null) {
        byDue.remove(old);
        bySeq.remove(old);
      }
      Scheduled scheduled = state.pending().get(id);
      if (scheduled == null) {
        payloads.remove(id);
      } else {
        Entry entry = new Entry(id, scheduled.dueAt(), scheduled.seq());
        entries.put(id, entry);
        byDue.add(entry);
        bySeq.add(entry);
      }
    }
  }

  /** Keeps a freshly published payload for its first attempt, while there is room. */
  void keepPayload(OutboundMessage message) {
    if (payloads.size() < PAYLOAD_CACHE_LIMIT) {
      payloads.put(message.messageId(), message);
    }
  }

  /** The kept payload, now leaving the cache (a retry reads it again); null when none was kept. */
  OutboundMessage takePayload(String messageId) {
    return payloads.remove(messageId);
  }

  /** Delays every start of the endpoint until {@code until} (a Retry-After, or a failed ledger read). */
  void holdUntil(Instant until) {
    if (until.isAfter(holdUntil)) {
      holdUntil = until;
    }
  }

  Plan plan(EndpointConfig config, Instant now) {
    if (config == null || !config.deliverable() || entries.isEmpty()) {
      return new Plan(List.of(), null);
    }
    if (now.isBefore(holdUntil)) {
      return new Plan(List.of(), holdUntil);
    }
    rate.limit(config.rateLimit());
    return config.ordering() == DeliveryOrdering.ORDERED ? planHead(now) : planDue(config.maxConcurrency(), now);
  }

  /** The head of the publish order blocks the rest: it alone is attempted, and only once it is settled. */
  private Plan planHead(Instant now) {
    if (!inFlight.isEmpty() || !fetching.isEmpty() || !settling.isEmpty()) {
      return new Plan(List.of(), null);
    }
    Entry head = bySeq.first();
    if (head.dueAt().isAfter(now)) {
      return new Plan(List.of(), head.dueAt());
    }
    if (!rate.take(now)) {
      return new Plan(List.of(), rate.nextSlot());
    }
    fetching.add(head.messageId());
    return new Plan(List.of(head.messageId()), null);
  }

  private Plan planDue(int maxConcurrency, Instant now) {
    int free = maxConcurrency - inFlight.size() - fetching.size();
    List<String> start = new ArrayList<>();
    for (Entry entry : byDue) {
      if (start.size() >= free) {
        return new Plan(start, null);
      }
      if (busy(entry.messageId())) {
        continue;
      }
      if (entry.dueAt().isAfter(now)) {
        return new Plan(start, entry.dueAt());
      }
      if (!rate.take(now)) {
        return new Plan(start, rate.nextSlot());
      }
      fetching.add(entry.messageId());
      start.add(entry.messageId());
    }
    return new Plan(start, null);
  }

  private boolean busy(String messageId) {
    return inFlight.containsKey(messageId) || fetching.contains(messageId) || settling.contains(messageId);
  }

  /** The planned message's attempt was sent. */
  void sent(String messageId, InFlight attempt) {
    fetching.remove(messageId);
    inFlight.put(messageId, attempt);
  }

  /** A planned message was not sent after all (not stored, or the endpoint stopped meanwhile): its slot frees. */
  void unplanned(String messageId) {
    fetching.remove(messageId);
  }

  /** The attempt's answer arrived: its slot frees, the message stays busy until the outcome is journaled. */
  InFlight answered(String messageId) {
    settling.add(messageId);
    return inFlight.remove(messageId);
  }

  /** The outcomes are journaled (and {@link #refresh}ed): the messages may be chosen again. */
  void settled(Collection<String> messageIds) {
    settling.removeAll(messageIds);
  }

  /**
   * Remembers messages that left the schedule (delivered or dead), so that a late enqueue of one is not taken for new
   * work: the start-up read of the ledger's pending rows can queue a message whose own enqueue is still on its way,
   * and that enqueue must not deliver it a second time. Bounded; a replay is not an enqueue and is not affected.
   */
  void forget(EndpointState state, Collection<String> messageIds) {
    for (String id : messageIds) {
      if (!state.pending().containsKey(id)) {
        recentlySettled.add(id);
      }
    }
  }

  boolean recentlySettled(String messageId) {
    return recentlySettled.contains(messageId);
  }

  int inFlight() {
    return inFlight.size();
  }

  /** Nothing is being read, sent or recorded. */
  boolean quiet() {
    return inFlight.isEmpty() && fetching.isEmpty() && settling.isEmpty();
  }
}
