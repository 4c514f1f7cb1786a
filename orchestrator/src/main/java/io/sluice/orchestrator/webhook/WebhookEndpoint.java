package io.sluice.orchestrator.webhook;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import io.sluice.orchestrator.dispatch.DeepStackExecutor;
import io.sluice.protocols.webhook.EndpointCommand;
import io.sluice.protocols.webhook.EndpointCommand.Enqueue;
import io.sluice.protocols.webhook.EndpointCommand.Reconfigure;
import io.sluice.protocols.webhook.EndpointCommand.Replay;
import io.sluice.protocols.webhook.EndpointCommand.Resync;
import io.sluice.protocols.webhook.EndpointCommand.Wake;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.EndpointEvent;
import io.sluice.protocols.webhook.EndpointEvent.Queued;
import io.sluice.protocols.webhook.EndpointReply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One webhook endpoint's deliveries, event-sourced and sharded by endpoint id.
 *
 * <p>The model: the journal holds the schedule ({@link EndpointState}: per pending message its attempt count, next
 * due time and publish order; when the endpoint started failing; the notices it owes), never payloads or secrets. The
 * endpoint's configuration and the messages live in the tables ({@link DeliveryLedger}) and are read when needed:
 * the configuration once per incarnation (then kept current by {@link Reconfigure}), the payloads when due, in one
 * read per batch — except a freshly published one, which travels with its {@link Enqueue} and is kept for its first
 * attempt. Attempts and their group-committed outcomes are {@link EndpointDeliveries}'s concern.
 *
 * <p>Life: on recovery the entity reads its configuration and the ledger's pending ids once, queues the ids its journal
 * does not know (a crash between a publication's transaction and its enqueue), then runs; commands arriving meanwhile
 * wait in the stash. A deleted endpoint drops its schedule and passivates. Enqueues that arrive together are journaled
 * together (one event, then every reply). A {@link Resync} (a publication's enqueue was not acknowledged) reads the
 * ledger's pending ids again while running and queues those it neither holds nor has just settled. The entity holds at most one timer and none when nothing is due; with
 * nothing pending and nothing under way (or nothing it may start: paused, disabled) it asks its shard to passivate
 * it. Entities are never passivated for idleness: a timer would be lost.
 */
public final class WebhookEndpoint
    extends EventSourcedBehaviorWithEnforcedReplies<EndpointCommand, EndpointEvent, EndpointState> {

  public static final EntityTypeKey<EndpointCommand> ENTITY_KEY =
      EntityTypeKey.create(EndpointCommand.class, "WebhookEndpoint");

  private enum Phase { STARTING, READY, DELETED }

  /** The configuration and the ledger's pending ids the journal does not know, with their attempt counts. */
  record Started(Optional<EndpointConfig> config, List<String> unknown, Map<String, Integer> attempts,
      Throwable failure) implements EndpointDeliveries.Step {}

  enum FlushArrivals implements EndpointDeliveries.Step { INSTANCE }

  record ReplayLoaded(List<String> messageIds, Map<String, Integer> attempts, ActorRef<EndpointReply> replyTo,
      Throwable failure) implements EndpointDeliveries.Step {}

  /** The shard's stop message (passivation, rebalance, shutdown). */
  enum Stop implements EndpointDeliveries.Step { INSTANCE }

  private final String endpointId;
  private final ActorContext<EndpointCommand> context;
  private final WebhookPorts ports;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final EndpointDeliveries deliveries;
  private final PendingResync resync;
  private final List<Enqueue> arrivals = new ArrayList<>();
  private Phase phase = Phase.STARTING;
  private boolean arrivalsQueued;
  private int replaysLoading;
  private boolean passivating;
  /** The last read of configuration and pending deliveries failed; a wake tries again. */
  private boolean loadFailed;
  /** When an entity with nothing to do passivates; null while it has work. */
  private Instant idleUntil;
  private boolean counted;
  private long reportedPending;

  private WebhookEndpoint(String endpointId, ActorContext<EndpointCommand> context,
      TimerScheduler<EndpointCommand> timers, WebhookPorts ports,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(ENTITY_KEY.name(), endpointId));
    this.endpointId = endpointId;
    this.context = context;
    this.ports = ports;
    this.shard = shard;
    this.deliveries = new EndpointDeliveries(endpointId, context, timers, ports, this::Effect, this::changed);
    this.resync = new PendingResync(endpointId, context, ports.ledger());
  }

  /** Registers the sharded entity; passivation is the entity's own decision (see the class comment). */
  public static void init(ActorSystem<?> system, WebhookPorts ports) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
            entity -> create(entity.getEntityId(), ports, entity.getShard()))
        .withStopMessage(Stop.INSTANCE)
        .withEntityProps(DeepStackExecutor.ENTITY_DISPATCHER)
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /** @param shard receives the entity's {@link ClusterSharding.Passivate} when it has nothing left to do */
  public static Behavior<EndpointCommand> create(String endpointId, WebhookPorts ports,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new WebhookEndpoint(endpointId, context, timers, ports, shard)));
  }

  @Override
  public EndpointState emptyState() {
    return EndpointState.blank();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public EventHandler<EndpointState, EndpointEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(EndpointState::apply);
  }

  @Override
  public SignalHandler<EndpointState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), this::onStopped)
        .build();
  }

  @Override
  public CommandHandlerWithReply<EndpointCommand, EndpointEvent, EndpointState> commandHandler() {
    CommandHandlerWithReplyBuilder<EndpointCommand, EndpointEvent, EndpointState> builder =
        newCommandHandlerWithReplyBuilder();
    builder.forState(state -> phase == Phase.STARTING)
        .onCommand(Started.class, this::onStarted)
        .onCommand(EndpointDeliveries.WakeDue.class, (state, wake) -> {
          deliveries.fired();
          load(state);
          return Effect().noReply();
        })
        .onCommand(Stop.class, (state, stop) -> Effect().stop().thenNoReply())
        .onCommand(Wake.class, (state, wake) -> {
          if (!loadFailed) {
            return Effect().stash();
          }
          // Without timers a failed load is tried again by the next tick's wake.
          load(state);
          return Effect().noReply();
        })
        .onAnyCommand((state, command) -> Effect().stash());
    builder.forState(state -> phase == Phase.DELETED)
        .onCommand(Enqueue.class, (state, enqueue) -> refuse(enqueue.replyTo(), "the endpoint was deleted"))
        .onCommand(Replay.class, (state, replay) -> refuse(replay.replyTo(), "the endpoint was deleted"))
        .onCommand(Reconfigure.class, (state, change) -> refuse(change.replyTo(), "the endpoint was deleted"))
        .onCommand(Stop.class, (state, stop) -> Effect().stop().thenNoReply())
        .onAnyCommand((state, command) -> Effect().noReply());
    builder.forState(state -> phase == Phase.READY)
        .onCommand(Enqueue.class, this::onEnqueue)
        .onCommand(FlushArrivals.class, this::onFlushArrivals)
        .onCommand(Replay.class, this::onReplay)
        .onCommand(ReplayLoaded.class, this::onReplayLoaded)
        .onCommand(Reconfigure.class, this::onReconfigure)
        .onCommand(Wake.class, (state, wake) -> Effect().none().thenRun(this::run).thenNoReply())
        .onCommand(Resync.class, (state, command) -> Effect().none().thenRun(this::requestResync).thenNoReply())
        .onCommand(PendingResync.Read.class, this::onResynced)
        .onCommand(EndpointDeliveries.WakeDue.class, (state, wake) -> Effect().none().thenRun(after -> {
          deliveries.onWake(after);
          if (resync.owed()) {
            requestResync(after);
          }
        }).thenNoReply())
        .onCommand(Stop.class, this::onStop)
        .onCommand(EndpointDeliveries.Step.class, deliveries::onStep);
    return builder.build();
  }

  private void onRecovered(EndpointState state) {
    counted = true;
    ports.activity().entities(1);
    deliveries.queue().rebuild(state);
    load(state);
  }

  /** Reads the configuration and the ledger's pending ids once, and the attempt counts of ids new to the journal. */
  private void load(EndpointState state) {
    loadFailed = false;
    DeliveryLedger ledger = ports.ledger();
    CompletionStage<Started> started = ledger.endpoint(endpointId).thenCompose(config -> config.isEmpty()
        ? CompletableFuture.completedFuture(new Started(config, List.of(), Map.of(), null))
        : ledger.pending(endpointId).thenCompose(ids -> {
          List<String> unknown = ids.stream().filter(id -> !state.pending().containsKey(id)).toList();
          return unknown.isEmpty()
              ? CompletableFuture.completedFuture(new Started(config, unknown, Map.of(), null))
              : ledger.attempts(endpointId, unknown).thenApply(counts -> new Started(config, unknown, counts, null));
        }));
    context.pipeToSelf(started, (loaded, failure) ->
        failure == null ? loaded : new Started(Optional.empty(), List.of(), Map.of(), failure));
  }

  private ReplyEffect<EndpointEvent, EndpointState> onStarted(EndpointState state, Started started) {
    if (started.failure() != null) {
      context.getLog().warn("endpoint {}: could not read its configuration and pending deliveries, trying again in"
          + " {}: {}", endpointId, EndpointDeliveries.LEDGER_RETRY, started.failure().toString());
      loadFailed = true;
      deliveries.arm(now().plus(EndpointDeliveries.LEDGER_RETRY));
      return Effect().noReply();
    }
    if (started.config().isEmpty()) {
      phase = Phase.DELETED;
      context.getLog().info("endpoint {} was deleted: {} pending message(s) dropped", endpointId,
          state.pending().size());
      if (state.pending().isEmpty() && state.notices().isEmpty()) {
        passivate();
        return Effect().none().thenNoReply().thenUnstashAll();
      }
      return Effect().persist(new EndpointEvent.Cleared(now()))
          .thenRun(cleared -> {
            deliveries.queue().rebuild(cleared);
            passivate();
          })
          .thenNoReply()
          .thenUnstashAll();
    }
    phase = Phase.READY;
    deliveries.configure(started.config().get());
    if (started.unknown().isEmpty()) {
      return Effect().none().thenRun(this::runAfterStash).thenNoReply().thenUnstashAll();
    }
    Instant now = now();
    List<Queued> queued = started.unknown().stream()
        .map(id -> new Queued(id, started.attempts().getOrDefault(id, 0), deliveries.retries().firstDue(now)))
        .toList();
    context.getLog().info("endpoint {}: queued {} pending delivery(ies) its journal did not know", endpointId,
        queued.size());
    return Effect().persist(new EndpointEvent.Enqueued(queued))
        .thenRun(after -> {
          deliveries.queue().refresh(after, started.unknown());
          runAfterStash(after);
        })
        .thenNoReply()
        .thenUnstashAll();
  }

  /**
   * Runs once the stashed commands are handled: an entity started by an enqueue must see it before it decides it has
   * nothing to do.
   */
  private void runAfterStash(EndpointState state) {
    context.getSelf().tell(Wake.INSTANCE);
  }

  /** A wake also makes an owed resync: without timers (serverless mode) it is the only retry. */
  private void run(EndpointState state) {
    if (resync.owed()) {
      requestResync(state);
    }
    deliveries.publishOwed(state);
    deliveries.pump(state);
  }

  private void requestResync(EndpointState state) {
    passivating = false;
    resync.request(state);
  }

  /**
   * Queues what a resync found new. A failed read is tried again at the entity's next wake, at the latest
   * {@link EndpointDeliveries#LEDGER_RETRY} later.
   */
  private ReplyEffect<EndpointEvent, EndpointState> onResynced(EndpointState state, PendingResync.Read read) {
    List<String> unknown = resync.arrived(state, read, deliveries.queue());
    if (read.failure() != null) {
      context.getLog().warn("endpoint {}: could not read its pending deliveries again, trying again in {}: {}",
          endpointId, EndpointDeliveries.LEDGER_RETRY, read.failure().toString());
      deliveries.retryLedgerLater();
      return Effect().none().thenRun(deliveries::pump).thenNoReply();
    }
    if (unknown.isEmpty()) {
      return Effect().none().thenRun(this::afterResync).thenNoReply();
    }
    Instant now = now();
    List<Queued> queued = unknown.stream()
        .map(id -> new Queued(id, read.attempts().getOrDefault(id, 0), deliveries.retries().firstDue(now)))
        .toList();
    context.getLog().info("endpoint {}: queued {} pending delivery(ies) whose enqueue did not arrive", endpointId,
        queued.size());
    return Effect().persist(new EndpointEvent.Enqueued(queued))
        .thenRun(after -> {
          deliveries.queue().refresh(after, unknown);
          afterResync(after);
        })
        .thenNoReply();
  }

  private void afterResync(EndpointState state) {
    if (resync.owed()) {
      requestResync(state);
    }
    deliveries.pump(state);
  }

  /**
   * Joins the next group write; beyond {@code max-pending-per-endpoint} the message is recorded dead at once
   * instead (it stays stored and replayable) and the enqueue is still acknowledged.
   */
  private ReplyEffect<EndpointEvent, EndpointState> onEnqueue(EndpointState state, Enqueue enqueue) {
    String messageId = enqueue.message().messageId();
    if (state.pending().containsKey(messageId) || deliveries.queue().recentlySettled(messageId)) {
      return Effect().reply(enqueue.replyTo(), accepted(state));
    }
    if (state.pending().size() + arrivals.size() >= ports.settings().maxPendingPerEndpoint()) {
      context.getLog().warn("endpoint {}: backlog full ({} pending), message {} dead-lettered", endpointId,
          state.pending().size(), enqueue.message().messageId());
      deliveries.overflow(enqueue.message(), enqueue.replyTo());
      return Effect().noReply();
    }
    passivating = false;
    arrivals.add(enqueue);
    if (!arrivalsQueued) {
      arrivalsQueued = true;
      context.getSelf().tell(FlushArrivals.INSTANCE);
    }
    return Effect().noReply();
  }

  private ReplyEffect<EndpointEvent, EndpointState> onFlushArrivals(EndpointState state, FlushArrivals flush) {
    arrivalsQueued = false;
    List<Enqueue> batch = List.copyOf(arrivals);
    arrivals.clear();
    List<String> ids = batch.stream().map(enqueue -> enqueue.message().messageId()).toList();
    return Effect().persist(arrived(ids))
        .thenRun(after -> {
          batch.forEach(enqueue -> deliveries.queue().keepPayload(enqueue.message()));
          deliveries.queue().refresh(after, ids);
          batch.forEach(enqueue -> enqueue.replyTo().tell(accepted(after)));
          deliveries.pump(after);
        })
        .thenNoReply();
  }

  /** Reads the messages' attempt counts first, so that the new series continues their numbering. */
  private ReplyEffect<EndpointEvent, EndpointState> onReplay(EndpointState state, Replay replay) {
    List<String> ids = replay.messageIds().stream().distinct()
        .filter(id -> !state.pending().containsKey(id)).toList();
    if (ids.isEmpty()) {
      return Effect().reply(replay.replyTo(), accepted(state));
    }
    int max = ports.settings().maxPendingPerEndpoint();
    if (state.pending().size() + arrivals.size() + ids.size() > max) {
      return refuse(replay.replyTo(), "replaying " + ids.size() + " message(s) would pass the endpoint's limit of "
          + max + " pending (" + state.pending().size() + " now)");
    }
    passivating = false;
    replaysLoading++;
    context.pipeToSelf(ports.ledger().attempts(endpointId, ids), (attempts, failure) ->
        new ReplayLoaded(ids, attempts, replay.replyTo(), failure));
    return Effect().noReply();
  }

  private ReplyEffect<EndpointEvent, EndpointState> onReplayLoaded(EndpointState state, ReplayLoaded loaded) {
    replaysLoading--;
    if (loaded.failure() != null) {
      return Effect().none().thenRun(deliveries::pump).thenReply(loaded.replyTo(), failed ->
          new EndpointReply.Refused(endpointId, "could not read the messages' attempts: " + loaded.failure()));
    }
    Instant now = now();
    List<String> ids = loaded.messageIds().stream().filter(id -> !state.pending().containsKey(id)).toList();
    List<Queued> queued = ids.stream()
        .map(id -> new Queued(id, loaded.attempts().getOrDefault(id, 0), deliveries.retries().firstDue(now)))
        .toList();
    return Effect().persist(new EndpointEvent.Enqueued(queued))
        .thenRun(after -> {
          deliveries.queue().refresh(after, ids);
          deliveries.pump(after);
        })
        .thenReply(loaded.replyTo(), this::accepted);
  }

  /** Not journaled: the endpoint table holds the configuration (and its secrets); it is read again on recovery. */
  private ReplyEffect<EndpointEvent, EndpointState> onReconfigure(EndpointState state, Reconfigure change) {
    if (!endpointId.equals(change.config().endpointId())) {
      return refuse(change.replyTo(), "configuration of endpoint " + change.config().endpointId() + " sent to "
          + endpointId);
    }
    deliveries.configure(change.config());
    passivating = false;
    return Effect().none().thenRun(deliveries::pump).thenReply(change.replyTo(), this::accepted);
  }

  /**
   * Work that reached the entity after it asked to be passivated (a message already in its mailbox) must not wait
   * for the next start-up: a wake through sharding is buffered by the shard, which starts a new incarnation with it.
   * Enqueues waiting for the next group write are journaled and answered first: an unanswered one would be taken for
   * lost and cost a resync.
   */
  private ReplyEffect<EndpointEvent, EndpointState> onStop(EndpointState state, Stop stop) {
    if (!idle(state)) {
      ClusterSharding.get(context.getSystem()).entityRefFor(ENTITY_KEY, endpointId).tell(Wake.INSTANCE);
    }
    if (arrivals.isEmpty()) {
      return Effect().stop().thenNoReply();
    }
    List<Enqueue> batch = List.copyOf(arrivals);
    arrivals.clear();
    return Effect().persist(arrived(batch.stream().map(enqueue -> enqueue.message().messageId()).toList()))
        .thenRun(after -> batch.forEach(enqueue -> enqueue.replyTo().tell(accepted(after))))
        .thenStop()
        .thenNoReply();
  }

  /** Freshly published messages queued now, each for its series' first attempt. */
  private EndpointEvent.Enqueued arrived(List<String> messageIds) {
    Instant now = now();
    return new EndpointEvent.Enqueued(messageIds.stream()
        .map(id -> new Queued(id, 0, deliveries.retries().firstDue(now))).toList());
  }

  /**
   * After every change: reports the pending count, and passivates once there has been nothing left to do for
   * {@code passivate-after-idle} (the entity's one timer meanwhile; under a trickle of events this saves a recovery
   * per event). Asked again after new work came in meanwhile (the shard ignores a repeated request while one is
   * under way).
   */
  private void changed(EndpointState state) {
    ports.activity().pending(state.pending().size() - reportedPending);
    reportedPending = state.pending().size();
    if (phase != Phase.READY || passivating) {
      return;
    }
    if (!idle(state)) {
      idleUntil = null;
      return;
    }
    Instant now = now();
    if (idleUntil == null) {
      // Without timers nothing would end the idle wait: passivate at once.
      idleUntil = ports.armsTimers() ? now.plus(ports.settings().passivateAfterIdle()) : now;
    }
    if (now.isBefore(idleUntil)) {
      deliveries.arm(idleUntil);
    } else {
      passivate();
    }
  }

  private boolean idle(EndpointState state) {
    return arrivals.isEmpty() && replaysLoading == 0 && !resync.busy() && deliveries.quiet()
        && state.notices().isEmpty()
        && (state.pending().isEmpty() || !deliveries.config().deliverable());
  }

  private void passivate() {
    passivating = true;
    deliveries.arm(null);
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  private void onStopped(EndpointState state) {
    if (counted) {
      ports.activity().entities(-1);
      ports.activity().pending(-reportedPending);
      deliveries.stopped();
    }
  }

  private EndpointReply accepted(EndpointState state) {
    return new EndpointReply.Accepted(endpointId, state.pending().size());
  }

  private ReplyEffect<EndpointEvent, EndpointState> refuse(ActorRef<EndpointReply> replyTo, String reason) {
    return Effect().reply(replyTo, new EndpointReply.Refused(endpointId, reason));
  }

  private Instant now() {
    return ports.clock().instant();
  }
}
