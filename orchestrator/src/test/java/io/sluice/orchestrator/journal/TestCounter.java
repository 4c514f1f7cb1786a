package io.sluice.orchestrator.journal;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.protocols.CborSerializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A test-only event-sourced entity under Cluster Sharding: a running total, one event per addition. */
public final class TestCounter extends EventSourcedBehavior<TestCounter.Command, TestCounter.Added, TestCounter.Total> {
  public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "TestCounter");
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(20);

  public sealed interface Command extends CborSerializable {}

  /** Persists an {@link Added} and answers the new total. */
  public record Add(int delta, ActorRef<Integer> replyTo) implements Command {}

  /** Answers the total without touching the journal. */
  public record Get(ActorRef<Integer> replyTo) implements Command {
    @JsonCreator
    public Get {}
  }

  public record Added(int delta) implements CborSerializable {
    @JsonCreator
    public Added {}
  }

  public record Total(int value) implements CborSerializable {
    @JsonCreator
    public Total {}
  }

  private TestCounter(String entityId) {
    super(PersistenceId.of(KEY.name(), entityId));
  }

  /** The entity outside sharding, for a test that spawns it itself. */
  public static Behavior<Command> create(String entityId) {
    return new TestCounter(entityId);
  }

  /** Registers the entity type with the system's sharding (once per system). */
  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(KEY, context -> new TestCounter(context.getEntityId())));
  }

  public static int add(ActorSystem<?> system, String entityId, int delta) throws Exception {
    return add(system, entityId, delta, ASK_TIMEOUT);
  }

  /** @throws java.util.concurrent.ExecutionException if no answer came within {@code timeout} */
  public static int add(ActorSystem<?> system, String entityId, int delta, Duration timeout) throws Exception {
    return ClusterSharding.get(system).entityRefFor(KEY, entityId)
        .<Integer>ask(replyTo -> new Add(delta, replyTo), timeout)
        .toCompletableFuture().get(timeout.toSeconds() + 5, TimeUnit.SECONDS);
  }

  public static int total(ActorSystem<?> system, String entityId) throws Exception {
    return ClusterSharding.get(system).entityRefFor(KEY, entityId)
        .<Integer>ask(Get::new, ASK_TIMEOUT)
        .toCompletableFuture().get(ASK_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
  }

  @Override
  public Total emptyState() {
    return new Total(0);
  }

  @Override
  public CommandHandler<Command, Added, Total> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Add.class, (state, add) -> Effect().persist(new Added(add.delta()))
            .thenReply(add.replyTo(), updated -> updated.value()))
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state.value()))
        .build();
  }

  @Override
  public EventHandler<Total, Added> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Added.class, (state, added) -> new Total(state.value() + added.delta()))
        .build();
  }
}
