package io.sluice.orchestrator.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.dispatch.DeepStackExecutor;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Akka 2.6's event-sourced behaviours unstash recursively: each stashed command whose handling persists nothing
 * (a read, an enqueue of a message the entity already holds) handles the next one on the same stack, so a long enough
 * run of them overflows it and the JVM exits (akka/akka#29933, fixed only in later, differently licensed Akka). A
 * webhook endpoint that moves to another node after a crash receives the messages buffered for it meanwhile, mostly
 * such commands (this entity overflowed a default 1 MiB stack at 485 of them). Sluice runs its entities on {@code
 * sluice.entity-dispatcher}, whose threads have a deep stack ({@link DeepStackExecutor}); this pins that a full stash
 * of them ({@code akka.persistence.typed.stash-capacity}) is handled there.
 */
class StashedCommandsTest {
  private static final ActorTestKit testKit = ActorTestKit.create("StashedCommandsTest", ConfigFactory.parseString(
      // A stack overflow must fail this test, not end the test JVM.
      "akka.jvm-exit-on-fatal-error = off")
      .withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  sealed interface Command {}

  record Read(int ignored) implements Command {}

  record Ready() implements Command {}

  record Count(ActorRef<Integer> replyTo) implements Command {}

  /** Stashes everything until {@link Ready}, then handles each {@link Read} without persisting anything. */
  static final class Entity extends EventSourcedBehavior<Command, String, Integer> {
    private boolean ready;
    private int reads;

    Entity(String id) {
      super(PersistenceId.ofUniqueId(id));
    }

    @Override
    public String journalPluginId() {
      return "akka.persistence.journal.inmem";
    }

    @Override
    public String snapshotPluginId() {
      return "akka.persistence.no-snapshot-store";
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Command, String, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Ready.class, ready -> {
            this.ready = true;
            return Effect().none().thenUnstashAll();
          })
          .onCommand(Read.class, read -> {
            if (!ready) {
              return Effect().stash();
            }
            reads++;
            return Effect().none();
          })
          .onCommand(Count.class, count -> Effect().none().thenRun(state -> count.replyTo().tell(reads)))
          .build();
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state);
    }
  }

  @Test
  void aFullStashOfCommandsThatPersistNothingIsHandledWithoutOverflowingTheStack() {
    int capacity = testKit.system().settings().config().getInt("akka.persistence.typed.stash-capacity");
    ActorRef<Command> entity = testKit.spawn(Behavior.class.cast(new Entity("stash-" + capacity)), "entity",
        DeepStackExecutor.ENTITY_DISPATCHER);
    TestProbe<Integer> probe = testKit.createTestProbe();
    // Recovered first, so that the reads fill the entity's own stash (Akka's recovery stash has the same capacity).
    entity.tell(new Count(probe.getRef()));
    assertEquals(0, probe.expectMessageClass(Integer.class, Duration.ofSeconds(10)));
    for (int i = 0; i < capacity; i++) {
      entity.tell(new Read(i));
    }
    entity.tell(new Ready());
    entity.tell(new Count(probe.getRef()));
    assertEquals(capacity, probe.expectMessageClass(Integer.class, Duration.ofSeconds(20)));
  }
}
