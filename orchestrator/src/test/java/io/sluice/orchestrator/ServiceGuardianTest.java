package io.sluice.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import io.sluice.protocols.permit.PermitCommand;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The guardian answers a stop request only after the supervisor's PostStop has run, and again when asked again. */
class ServiceGuardianTest {
  private static final ActorTestKit testKit = ActorTestKit.create("ServiceGuardianTest");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void stopRequestIsAnsweredAfterTheSupervisorHasStopped() throws Exception {
    TestProbe<String> events = testKit.createTestProbe();
    TestProbe<Done> stopped = testKit.createTestProbe();
    CompletableFuture<ActorRef<PermitCommand>> spawned = new CompletableFuture<>();
    ActorRef<ServiceGuardian.Command> guardian = testKit.spawn(ServiceGuardian.create(
        Behaviors.receive(PermitCommand.class)
            .onSignal(PostStop.class, signal -> {
              events.getRef().tell("supervisor post-stop");
              return Behaviors.same();
            })
            .build(),
        "pool-db", spawned));
    assertEquals("pool-db", spawned.get().path().name());

    guardian.tell(new ServiceGuardian.StopSupervisor(stopped.getRef()));
    events.expectMessage("supervisor post-stop");
    stopped.expectMessage(Done.getInstance());
    testKit.createTestProbe().expectTerminated(spawned.get());

    guardian.tell(new ServiceGuardian.StopSupervisor(stopped.getRef()));
    stopped.expectMessage(Done.getInstance());
  }
}
