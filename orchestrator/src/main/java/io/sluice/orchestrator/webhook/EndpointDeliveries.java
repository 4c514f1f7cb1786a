package io.sluice.orchestrator.webhook;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.javadsl.EffectFactories;
import akka.persistence.typed.javadsl.ReplyEffect;
import io.sluice.orchestrator.webhook.DeliveryQueue.InFlight;
import io.sluice.orchestrator.webhook.DeliveryQueue.Plan;
import io.sluice.orchestrator.webhook.EndpointState.Scheduled;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.DeliveryState;
import io.sluice.protocols.webhook.EndpointCommand;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.EndpointEvent;
import io.sluice.protocols.webhook.EndpointEvent.Finished;
import io.sluice.protocols.webhook.EndpointEvent.Notice;
import io.sluice.protocols.webhook.EndpointReply;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * An endpoint's deliveries: starts what {@link DeliveryQueue} plans (the payload from the first-attempt cache, or
 * read for the whole plan in one {@link DeliveryLedger#messages} call), sends each attempt through the
 * {@link EndpointClient}, decides each outcome (delivered, retried per {@link RetrySchedule}, dead, or held by a 410),
 * and writes the outcomes.
 *
 * <p>Writes are a group commit: outcomes that finish while a write is under way wait in a buffer and go together in
 * the next one — one {@link DeliveryLedger#record} of them all, then one persist. The ledger comes first, so a crash
 * in between only repeats an attempt (under the same {@code webhook-id}), it never loses one. The ledger call is not a
 * persist, so outcomes keep arriving while it runs; the persist is short, and the outcomes Akka stashes during it
 * reach the buffer before the next flush is processed. A burst of N outcomes thus takes a handful of writes.
 *
 * <p>The entity holds a single timer, {@link #WAKE_TIMER}, at the earliest of: the next due retry, the next
 * rate-limit slot, the end of a Retry-After hold, and a retry of a failed ledger call; none when nothing is due.
 */
final class EndpointDeliveries {
  static final String WAKE_TIMER = "wake";
  /** How long a failed ledger call or publication waits before it is tried again. */
  static final Duration LEDGER_RETRY = Duration.ofSeconds(5);

  /** Internal steps the entity sends itself; never cross a node. */
  interface Step extends EndpointCommand, NoSerializationVerificationNeeded {}

  enum WakeDue implements Step { INSTANCE }

  enum FlushOutcomes implements Step { INSTANCE }

  record Fetched(List<String> messageIds, Map<String, OutboundMessage> messages, Throwable failure)
      implements Step {}

  record AttemptDone(String messageId, InFlight attempt, AttemptOutcome outcome, Throwable failure)
      implements Step {}

  record Recorded(List<Outcome> batch, Throwable failure) implements Step {}

  record NoticeSent(String key, Throwable failure) implements Step {}

  /**
   * One write waiting for the group commit: a finished attempt ({@code finished} set), or a message refused because
   * the backlog is full ({@code replyTo} set: recorded dead, answered once recorded, never journaled).
   */
  record Outcome(AttemptRecord record, Finished finished, Notice notice, ActorRef<EndpointReply> replyTo) {}

  private final String endpointId;
  private final ActorContext<EndpointCommand> context;
  private final TimerScheduler<EndpointCommand> timers;
  private final WebhookPorts ports;
  private final Supplier<EffectFactories<EndpointEvent, EndpointState>> effects;
  private final Consumer<EndpointState> changed;
  private final DeliveryQueue queue = new DeliveryQueue();
  private final RetrySchedule retries;
  private final Logger log;

  private final List<Outcome> outcomes = new ArrayList<>();
  private final Set<String> publishing = new HashSet<>();
  private EndpointConfig config;
  private boolean recording;
  private boolean flushQueued;
  /** Why the endpoint is being disabled, from the decision until the Disabled event is journaled. */
  private String disableReason;
  private Instant retryAt;
  private Instant armedAt;

  EndpointDeliveries(String endpointId, ActorContext<EndpointCommand> context, TimerScheduler<EndpointCommand> timers,
      WebhookPorts ports, Supplier<EffectFactories<EndpointEvent, EndpointState>> effects,
      Consumer<EndpointState> changed) {
    this.endpointId = endpointId;
    this.context = context;
    this.timers = timers;
    this.ports = ports;
    this.effects = effects;
    this.changed = changed;
    this.retries = new RetrySchedule(ports.settings(), ports.random());
    this.log = context.getLog();
  }

  DeliveryQueue queue() {
    return queue;
  }

  RetrySchedule retries() {
    return retries;
  }

  EndpointConfig config() {
    return config;
  }

  void configure(EndpointConfig newConfig) {
    config = newConfig;
  }

  /** Nothing is being sent, read, recorded or published, and no outcome waits for a write. */
  boolean quiet() {
    return queue.quiet() && outcomes.isEmpty() && !recording && publishing.isEmpty();
  }

  /** Starts what may start now and arms the timer for what comes next. */
  void pump(EndpointState state) {
    Plan plan = queue.plan(config, now());
    List<String> toRead = new ArrayList<>();
    for (String messageId : plan.start()) {
      OutboundMessage kept = queue.takePayload(messageId);
      if (kept != null) {
        send(state, kept);
      } else {
        toRead.add(messageId);
      }
    }
    if (!toRead.isEmpty()) {
      context.pipeToSelf(ports.ledger().messages(toRead), (messages, failure) ->
          new Fetched(toRead, messages, failure));
    }
    arm(Stream.of(plan.wakeAt(), retryAt).filter(Objects::nonNull).min(Instant::compareTo).orElse(null));
    changed.accept(state);
  }

  /**
   * Arms the single timer at {@code at}, or cancels it when null. Without timers (serverless mode, retries switched
   * off) nothing is armed: the due times are in the ledger and a tick wakes the entity.
   */
  void arm(Instant at) {
    if (!ports.armsTimers() || Objects.equals(at, armedAt)) {
      return;
    }
    if (at == null) {
      timers.cancel(WAKE_TIMER);
      ports.activity().timers(-1);
    } else {
      Duration until = Duration.between(now(), at);
      timers.startSingleTimer(WAKE_TIMER, WakeDue.INSTANCE, until.isNegative() ? Duration.ZERO : until);
      if (armedAt == null) {
        ports.activity().timers(1);
      }
    }
    armedAt = at;
  }

  /** The timer fired: it is no longer armed. */
  void fired() {
    if (armedAt != null) {
      ports.activity().timers(-1);
      armedAt = null;
    }
  }

  /** The timer fired while running: retries a failed write or publication whose time came, then pumps. */
  void onWake(EndpointState state) {
    fired();
    if (retryAt != null && !now().isBefore(retryAt)) {
      retryAt = null;
      requestFlush();
      publishOwed(state);
    }
    pump(state);
  }

  /** A ledger read failed: the timer wakes the entity {@link #LEDGER_RETRY} from now to try again. */
  void retryLedgerLater() {
    retryAt = now().plus(LEDGER_RETRY);
  }

    /** Takes back what this incarnation added to the node's counters (it stops). */
  void stopped() {
    fired();
    ports.activity().inFlight(-queue.inFlight());
  }

  /** A message beyond the backlog limit: recorded dead at once (replayable), answered once recorded. */
  void overflow(OutboundMessage message, ActorRef<EndpointReply> replyTo) {
    Instant now = now();
    AttemptOutcome refused = new AttemptOutcome(AttemptOutcome.Kind.FAILED, 0, 0, "", "backlog full", null);
    outcomes.add(new Outcome(new AttemptRecord(endpointId, message.messageId(), 1, now, refused,
        DeliveryState.DEAD, null), null, null, replyTo));
    requestFlush();
  }

  ReplyEffect<EndpointEvent, EndpointState> onStep(EndpointState state, Step step) {
    if (step instanceof AttemptDone done) {
      onAttemptDone(state, done);
    } else if (step instanceof FlushOutcomes) {
      onFlush();
    } else if (step instanceof Recorded recorded) {
      return onRecorded(state, recorded);
    } else if (step instanceof Fetched fetched) {
      return onFetched(state, fetched);
    } else if (step instanceof NoticeSent sent) {
      return onNoticeSent(state, sent);
    }
    return effects.get().noReply();
  }

  private void send(EndpointState state, OutboundMessage message) {
    Scheduled scheduled = state.pending().get(message.messageId());
    Instant startedAt = now();
    InFlight attempt = new InFlight(scheduled.attempts() + 1, startedAt, message);
    queue.sent(message.messageId(), attempt);
    ports.activity().inFlight(1);
    context.pipeToSelf(ports.client().send(config, message, startedAt), (outcome, failure) ->
        new AttemptDone(message.messageId(), attempt, outcome, failure));
  }

  private ReplyEffect<EndpointEvent, EndpointState> onFetched(EndpointState state, Fetched fetched) {
    if (fetched.failure() != null) {
      fetched.messageIds().forEach(queue::unplanned);
      log.warn("endpoint {}: could not read {} message(s) to send, trying again in {}: {}", endpointId,
          fetched.messageIds().size(), LEDGER_RETRY, fetched.failure().toString());
      queue.holdUntil(now().plus(LEDGER_RETRY));
      pump(state);
      return effects.get().noReply();
    }
    List<String> gone = new ArrayList<>();
    for (String messageId : fetched.messageIds()) {
      OutboundMessage message = fetched.messages().get(messageId);
      if (message != null && config.deliverable() && state.pending().containsKey(messageId)) {
        send(state, message);
      } else {
        queue.unplanned(messageId);
        if (message == null && state.pending().containsKey(messageId)) {
          gone.add(messageId);
        }
      }
    }
    if (gone.isEmpty()) {
      pump(state);
      return effects.get().noReply();
    }
    return effects.get().persist(new EndpointEvent.Dropped(gone, "message no longer stored"))
        .thenRun(after -> {
          queue.refresh(after, gone);
          pump(after);
        })
        .thenNoReply();
  }

  /** Decides the outcome now (the slot frees at once), writes it with the next group commit. */
  private void onAttemptDone(EndpointState state, AttemptDone done) {
    InFlight attempt = queue.answered(done.messageId());
    ports.activity().inFlight(-1);
    AttemptOutcome outcome = done.failure() == null ? done.outcome()
        : new AttemptOutcome(AttemptOutcome.Kind.FAILED, 0, 0, "", "the attempt failed: " + done.failure(), null);
    Scheduled scheduled = state.pending().get(done.messageId());
    Instant now = now();
    DeliveryState after = DeliveryState.PENDING;
    Instant next = null;
    if (outcome.kind() == AttemptOutcome.Kind.DELIVERED) {
      after = DeliveryState.DELIVERED;
    } else if (outcome.kind() == AttemptOutcome.Kind.GONE) {
      // Held, not dead: the message goes out when the endpoint is enabled again.
      next = now;
      disable("the endpoint answered 410 Gone");
    } else {
      boolean throttled = outcome.kind() == AttemptOutcome.Kind.THROTTLED && outcome.retryAfter() != null;
      if (throttled) {
        queue.holdUntil(now.plus(outcome.retryAfter()));
      }
      next = retries.nextDue(attempt.attempt() - scheduled.seriesStart(), now,
          throttled ? outcome.retryAfter() : null);
      after = next == null ? DeliveryState.DEAD : DeliveryState.PENDING;
    }
    String eventType = attempt.message().eventType();
    Notice notice = after == DeliveryState.DEAD && !Notices.operational(eventType)
        ? Notices.exhausted(endpointId, done.messageId(), eventType, attempt.attempt(), outcome.status(), now)
        : null;
    outcomes.add(new Outcome(
        new AttemptRecord(endpointId, done.messageId(), attempt.attempt(), attempt.startedAt(), outcome, after, next),
        new Finished(done.messageId(), attempt.attempt(), outcome.kind(), outcome.status(), now, after, next),
        notice, null));
    requestFlush();
    pump(state);
  }

  /** Stops every start at once; the Disabled event is journaled with the outcomes being written. */
  private void disable(String reason) {
    if (config.enabled()) {
      disableReason = reason;
      config = new EndpointConfig(config.endpointId(), config.workspaceId(), config.url(), config.secrets(), false,
          config.paused(), config.maxConcurrency(), config.rateLimit(), config.ordering());
    }
  }

  private void requestFlush() {
    if (!recording && !flushQueued) {
      flushQueued = true;
      context.getSelf().tell(FlushOutcomes.INSTANCE);
    }
  }

  private void onFlush() {
    flushQueued = false;
    if (recording || outcomes.isEmpty()) {
      return;
    }
    recording = true;
    List<Outcome> batch = List.copyOf(outcomes);
    outcomes.clear();
    context.pipeToSelf(ports.ledger().record(batch.stream().map(Outcome::record).toList()),
        (done, failure) -> new Recorded(batch, failure));
  }

  private ReplyEffect<EndpointEvent, EndpointState> onRecorded(EndpointState state, Recorded recorded) {
    if (recorded.failure() != null) {
      recording = false;
      log.warn("endpoint {}: {} attempt(s) not recorded, trying again in {}: {}", endpointId,
          recorded.batch().size(), LEDGER_RETRY, recorded.failure().toString());
      outcomes.addAll(0, recorded.batch());
      retryAt = now().plus(LEDGER_RETRY);
      pump(state);
      return effects.get().noReply();
    }
    List<Finished> finished = new ArrayList<>();
    List<Notice> notices = new ArrayList<>();
    for (Outcome outcome : recorded.batch()) {
      if (outcome.replyTo() != null) {
        outcome.replyTo().tell(new EndpointReply.Accepted(endpointId, state.pending().size()));
      } else {
        finished.add(outcome.finished());
        if (outcome.notice() != null) {
          notices.add(outcome.notice());
        }
      }
    }
    if (finished.isEmpty()) {
      recording = false;
      afterWrite(state);
      return effects.get().noReply();
    }
    EndpointEvent.AttemptsFinished attempts = new EndpointEvent.AttemptsFinished(finished, notices);
    List<EndpointEvent> events = new ArrayList<>(List.of(attempts));
    Instant failingSince = state.apply(attempts).failingSince();
    Instant now = now();
    if (failingSince != null && !now.isBefore(failingSince.plus(ports.settings().disableAfterFailingFor()))) {
      disable("every attempt failed since " + failingSince);
    }
    if (disableReason != null) {
      events.add(new EndpointEvent.Disabled(disableReason, now, Notices.disabled(endpointId, disableReason, now)));
      disableReason = null;
    }
    List<String> ids = finished.stream().map(Finished::messageId).toList();
    return effects.get().persist(events)
        .thenRun(after -> {
          recording = false;
          queue.refresh(after, ids);
          queue.settled(ids);
          queue.forget(after, ids);
          afterWrite(after);
        })
        .thenNoReply();
  }

  private void afterWrite(EndpointState state) {
    if (!outcomes.isEmpty()) {
      requestFlush();
    }
    publishOwed(state);
    pump(state);
  }

  /** Publishes every owed notice not being published yet; needs the endpoint's workspace (a loaded config). */
  void publishOwed(EndpointState state) {
    for (Notice notice : state.notices().values()) {
      if (publishing.add(notice.key())) {
        context.pipeToSelf(Notices.publish(notice, config, ports.ledger(), ports.events()),
            (messageId, failure) -> new NoticeSent(notice.key(), failure));
      }
    }
  }

  private ReplyEffect<EndpointEvent, EndpointState> onNoticeSent(EndpointState state, NoticeSent sent) {
    publishing.remove(sent.key());
    if (sent.failure() != null) {
      log.warn("endpoint {}: notice {} not published, trying again in {}: {}", endpointId, sent.key(),
          LEDGER_RETRY, sent.failure().toString());
      retryAt = now().plus(LEDGER_RETRY);
      pump(state);
      return effects.get().noReply();
    }
    return effects.get().persist(new EndpointEvent.NoticesSent(List.of(sent.key())))
        .thenRun(this::pump)
        .thenNoReply();
  }

  private Instant now() {
    return ports.clock().instant();
  }
}
