package io.sluice.orchestrator;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import io.sluice.orchestrator.database.Database;
import io.sluice.protocols.permit.PermitCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The actor system's guardian: the parent of the pool supervisor, so that shutdown can stop the supervisor and learn
 * when it has stopped (in Akka Typed only the parent may stop an actor). The supervisor's PostStop retires every lease
 * through the pool and answers every waiter SHUTTING_DOWN, so the pool may close only after that: see {@link Sluice}.
 */
final class ServiceGuardian {

  /** The guardian's protocol. */
  sealed interface Command {}

  /** Stop the supervisor; {@code replyTo} hears {@link Done} once it has terminated (at once if it already has). */
  record StopSupervisor(ActorRef<Done> replyTo) implements Command {}

  private ServiceGuardian() {}

  /** Spawns {@code supervisor} as {@code name} and completes {@code spawned} with its reference. */
  static Behavior<Command> create(Behavior<PermitCommand> supervisor, String name,
      CompletableFuture<ActorRef<PermitCommand>> spawned) {
    return Behaviors.setup(context -> {
      ActorRef<PermitCommand> child = context.spawn(supervisor, name,
          DispatcherSelector.fromConfig(Database.PERMIT_DISPATCHER));
      context.watch(child);
      spawned.complete(child);
      List<ActorRef<Done>> waiting = new ArrayList<>();
      return Behaviors.receive(Command.class)
          .onMessage(StopSupervisor.class, stop -> {
            waiting.add(stop.replyTo());
            context.stop(child);
            return Behaviors.same();
          })
          .onSignal(Terminated.class, terminated -> {
            waiting.forEach(replyTo -> replyTo.tell(Done.getInstance()));
            return supervisorStopped();
          })
          .build();
    });
  }

  private static Behavior<Command> supervisorStopped() {
    return Behaviors.receive(Command.class)
        .onMessage(StopSupervisor.class, stop -> {
          stop.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .build();
  }
}
