package io.sluice.orchestrator.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link IdleExit} under ManualTime: the shutdown runs only once the quiet period has passed with nothing in flight;
 * an ended request restarts the period; work in flight at the deadline keeps the process up and the period starts
 * again, so it is checked once more a quiet period later.
 */
class IdleExitTest {
  private static final Duration QUIET = Duration.ofSeconds(10);

  private static ActorTestKit kit;
  private static ManualTime time;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("IdleExit", ManualTime.config().withFallback(
        ConfigFactory.parseString("akka.actor.provider = local")));
    time = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void exitsOnlyAfterTheQuietPeriodWithNothingInFlight() {
    TestProbe<String> exits = kit.createTestProbe();
    AtomicInteger checks = new AtomicInteger();
    ActorRef<IdleExit.Command> idle = kit.spawn(IdleExit.create(QUIET, () -> {
      checks.incrementAndGet();
      return CompletableFuture.completedFuture(false);
    }, () -> exits.getRef().tell("exit")));
    settle();

    time.expectNoMessageFor(QUIET.minusMillis(1), exits);
    assertEquals(0, checks.get(), "nothing is read before the quiet period ends");
    time.timePasses(Duration.ofMillis(1));
    assertEquals("exit", exits.receiveMessage());
    assertEquals(1, checks.get());
    exits.expectTerminated(idle);
  }

  @Test
  void anEndedRequestRestartsTheQuietPeriod() {
    TestProbe<String> exits = kit.createTestProbe();
    ActorRef<IdleExit.Command> idle = kit.spawn(IdleExit.create(QUIET,
        () -> CompletableFuture.completedFuture(false), () -> exits.getRef().tell("exit")));
    settle();

    time.expectNoMessageFor(Duration.ofSeconds(6), exits);
    idle.tell(IdleExit.Activity.INSTANCE);
    settle();
    // 12 s after start, but only 6 s after the request.
    time.expectNoMessageFor(Duration.ofSeconds(6), exits);
    idle.tell(IdleExit.Activity.INSTANCE);
    settle();
    time.expectNoMessageFor(QUIET.minusMillis(1), exits);
    time.timePasses(Duration.ofMillis(1));
    assertEquals("exit", exits.receiveMessage());
  }

  @Test
  void workInFlightAtTheDeadlineKeepsTheProcessUpAndIsCheckedAgain() {
    TestProbe<String> exits = kit.createTestProbe();
    AtomicBoolean busy = new AtomicBoolean(true);
    AtomicInteger checks = new AtomicInteger();
    kit.spawn(IdleExit.create(QUIET, () -> {
      checks.incrementAndGet();
      return CompletableFuture.completedFuture(busy.get());
    }, () -> exits.getRef().tell("exit")));
    settle();

    time.expectNoMessageFor(QUIET, exits);
    awaitChecks(exits, checks, 1);
    // Still busy a whole period later: checked again, no exit.
    time.expectNoMessageFor(QUIET, exits);
    awaitChecks(exits, checks, 2);
    busy.set(false);
    time.expectNoMessageFor(QUIET.minusMillis(1), exits);
    assertEquals(2, checks.get(), "not read again before the next deadline");
    time.timePasses(Duration.ofMillis(1));
    assertEquals("exit", exits.receiveMessage());
    assertEquals(3, checks.get());
  }

  @Test
  void aFailedReadCountsAsBusy() {
    TestProbe<String> exits = kit.createTestProbe();
    AtomicInteger checks = new AtomicInteger();
    kit.spawn(IdleExit.create(QUIET, () -> checks.incrementAndGet() == 1
        ? CompletableFuture.failedFuture(new IllegalStateException("supervisor did not answer"))
        : CompletableFuture.completedFuture(false), () -> exits.getRef().tell("exit")));
    settle();

    time.expectNoMessageFor(QUIET, exits);
    awaitChecks(exits, checks, 1);
    time.timePasses(QUIET);
    assertEquals("exit", exits.receiveMessage());
    assertEquals(2, checks.get());
  }

  /** Waits until the busy check ran {@code count} times and its answer was handled (the period restarted). */
  private static void awaitChecks(TestProbe<?> probe, AtomicInteger checks, int count) {
    probe.awaitAssert(() -> {
      assertEquals(count, checks.get());
      return null;
    });
    settle();
  }

  /**
   * Lets the actor handle what it was sent (its set-up, an activity, a check's answer) before virtual time moves on:
   * a timer it starts later than that would count from the later virtual time.
   */
  private static void settle() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
