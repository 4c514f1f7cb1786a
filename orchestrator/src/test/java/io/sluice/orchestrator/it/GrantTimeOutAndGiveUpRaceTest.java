package io.sluice.orchestrator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.testkit.ExplicitlyTriggeredScheduler;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A waiting request's three possible ends reach the supervisor in every order: the permit it waits for is released
 * (so it is granted), its wait deadline fires (TIMED_OUT), and its requester gives up. Virtual time makes the
 * deadline a message that can be raced against the other two without waiting for it in real time; the pool is a real
 * PostgreSQL pool of one connection, so a reclaimed lease must also close its door in the physical pool.
 */
class GrantTimeOutAndGiveUpRaceTest {
  private static final int ROUNDS = 10_000;
  private static final Duration MAX_WAIT = Duration.ofMillis(10);
  /** Far beyond the virtual time the rounds use (10 ms each), so neither the hold check nor the idle drain fires. */
  private static final Duration QUIET = Duration.ofMinutes(10);

  private enum Step { RELEASE, TIME_OUT, GIVE_UP }

  /** What ends a round: the first of its three steps the supervisor processes decides it. */
  private enum Outcome { GRANTED_THEN_RECLAIMED, TIMED_OUT, CANCELLED }

  private static ActorTestKit testKit;
  private static ExplicitlyTriggeredScheduler scheduler;
  private static LongSupplier virtualNanos;

  @BeforeAll
  static void start() {
    // ManualTime replaces the whole scheduler: this class has a testkit of its own.
    testKit = ActorTestKit.create("GrantTimeOutAndGiveUpRaceTest",
        ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()));
    scheduler = (ExplicitlyTriggeredScheduler) testKit.system().classicSystem().scheduler();
    virtualNanos = () -> TimeUnit.MILLISECONDS.toNanos(scheduler.currentTimeMs());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /**
   * Lets the wait deadline come: runs the timers due within {@code MAX_WAIT}, which sends the supervisor its deadline
   * tick from the calling thread. {@code ManualTime.timePasses} would do the same after sleeping 100 ms on every call
   * (20 minutes over the rounds), so this calls the scheduler's {@code executeTasks} directly (Scala
   * {@code private[testkit]}, public in bytecode; Akka 2.6 is final, so it will not move). It moves the clock to each
   * task's due time before running it, so the supervisor sees the deadline reached.
   */
  private static void deadlinePasses() {
    long now = scheduler.currentTimeMs();
    scheduler.executeTasks(now + MAX_WAIT.toMillis());
    assertEquals(now + MAX_WAIT.toMillis(), scheduler.currentTimeMs(), "the wait deadline timer was due and ran");
  }

  private static List<List<Step>> permutations() {
    List<List<Step>> all = new ArrayList<>();
    for (Step a : Step.values()) {
      for (Step b : Step.values()) {
        for (Step c : Step.values()) {
          if (a != b && b != c && a != c) {
            all.add(List.of(a, b, c));
          }
        }
      }
    }
    return all;
  }

  private static Outcome decidedBy(Step first) {
    return switch (first) {
      case RELEASE -> Outcome.GRANTED_THEN_RECLAIMED;
      case TIME_OUT -> Outcome.TIMED_OUT;
      case GIVE_UP -> Outcome.CANCELLED;
    };
  }

  private static Outcome outcomeBetween(PoolStats before, PoolStats after) {
    long reclaimed = after.counters().grantsReclaimed() - before.counters().grantsReclaimed();
    long timedOut = rejected(after, RejectReason.TIMED_OUT) - rejected(before, RejectReason.TIMED_OUT);
    long cancelled = rejected(after, RejectReason.CANCELLED) - rejected(before, RejectReason.CANCELLED);
    assertEquals(1, reclaimed + timedOut + cancelled, "exactly one end per round: reclaimed=" + reclaimed
        + " timedOut=" + timedOut + " cancelled=" + cancelled);
    return reclaimed == 1 ? Outcome.GRANTED_THEN_RECLAIMED : timedOut == 1 ? Outcome.TIMED_OUT : Outcome.CANCELLED;
  }

  private static long rejected(PoolStats stats, RejectReason reason) {
    return stats.counters().rejected().getOrDefault(reason, 0L);
  }

  @Test
  void tenThousandRacesOfGrantTimeOutAndGiveUpEndEachRequestOnceAndLoseNoPermit() throws Exception {
    try (GovernedPostgres governed = new GovernedPostgres(testKit, 1, QUIET, QUIET, Duration.ofSeconds(5),
        virtualNanos)) {
      TestProbe<PermitReply> holder = testKit.createTestProbe();
      TestProbe<PermitReply> requester = testKit.createTestProbe();
      List<List<Step>> orders = permutations();
      ExecutorService racers = Executors.newFixedThreadPool(3);
      CyclicBarrier together = new CyclicBarrier(3);
      Map<Outcome, Integer> racedOutcomes = new EnumMap<>(Outcome.class);
      List<Outcome> expectedReplies = new ArrayList<>();
      try {
        for (int round = 0; round < ROUNDS; round++) {
          long busyId = 2L * round;
          long waitingId = busyId + 1;
          governed.supervisor.tell(new Acquire(busyId, "holder", "race", LeaseKind.SHORT, Priority.NORMAL, QUIET,
              holder.getRef(), null));
          Granted busy = assertInstanceOf(Granted.class, holder.receiveMessage(Duration.ofSeconds(5)));
          governed.supervisor.tell(new Acquire(waitingId, "requester", "race", LeaseKind.SHORT, Priority.NORMAL,
              MAX_WAIT, requester.getRef(), null));
          // Once the stats answer, the request waits and its deadline timer is armed MAX_WAIT ahead.
          PoolStats before = governed.stats();
          assertEquals(1, before.waiting(), "round " + round + ": the request waits behind the busy permit");

          Map<Step, Runnable> steps = new EnumMap<>(Step.class);
          steps.put(Step.RELEASE, () -> governed.supervisor.tell(new Release(busy.lease().id(), Duration.ZERO, false)));
          steps.put(Step.TIME_OUT, GrantTimeOutAndGiveUpRaceTest::deadlinePasses);
          // The requester gives up and, having given up, never releases a grant that reaches it afterwards.
          steps.put(Step.GIVE_UP, () -> governed.supervisor.tell(new GiveUp(requester.getRef(), waitingId)));

          boolean raced = round % 2 == 1;
          Outcome expected = null;
          if (raced) {
            List<Future<?>> all = new ArrayList<>(3);
            for (Runnable step : steps.values()) {
              all.add(racers.submit(() -> {
                together.await();
                step.run();
                return null;
              }));
            }
            for (Future<?> one : all) {
              one.get(10, TimeUnit.SECONDS);
            }
          } else {
            List<Step> order = orders.get((round / 2) % orders.size());
            order.forEach(step -> steps.get(step).run());
            expected = decidedBy(order.get(0));
          }

          PoolStats after = governed.stats();
          Outcome outcome = outcomeBetween(before, after);
          if (raced) {
            racedOutcomes.merge(outcome, 1, Integer::sum);
          } else {
            assertEquals(expected, outcome, "round " + round);
          }
          expectedReplies.add(outcome);
          assertEquals(0, after.granted(), "round " + round + ": no permit kept");
          assertEquals(0, after.waiting(), "round " + round + ": no request left waiting");
        }
      } finally {
        racers.shutdownNow();
      }

      // The requester heard exactly one answer per round, in round order: a cancelled wait is answered too.
      for (Outcome reply : expectedReplies) {
        PermitReply message = requester.receiveMessage(Duration.ofSeconds(5));
        if (reply == Outcome.TIMED_OUT) {
          assertEquals(RejectReason.TIMED_OUT, assertInstanceOf(Rejected.class, message).reason());
        } else if (reply == Outcome.CANCELLED) {
          assertEquals(RejectReason.CANCELLED, assertInstanceOf(Rejected.class, message).reason());
        } else {
          Granted late = assertInstanceOf(Granted.class, message);
          assertFalse(governed.pool.isAdmitted(late.lease().id().value()),
              "a reclaimed lease no longer opens the physical pool");
        }
      }
      requester.expectNoMessage(Duration.ofMillis(100));

      PoolStats stats = governed.stats();
      PoolStats.Counters counters = stats.counters();
      assertEquals(0, stats.granted());
      assertEquals(0, stats.waiting());
      assertEquals(1, stats.limit(), "the limit is intact");
      assertEquals(ROUNDS, counters.grantsReclaimed() + rejected(stats, RejectReason.TIMED_OUT)
          + rejected(stats, RejectReason.CANCELLED), "every waiting request ended exactly once");
      assertEquals(ROUNDS + counters.grantsReclaimed(), counters.acquired());
      assertEquals(counters.acquired(), counters.released() + counters.grantsReclaimed() + counters.revoked()
          + counters.holderDied(), "every grant came back exactly once");
      assertEquals(ROUNDS, counters.released());
      assertEquals(0, counters.releasesIgnored(), "nobody released a permit twice");

      governed.supervisor.tell(new Acquire(-1, "final", "check", LeaseKind.SHORT, Priority.NORMAL, MAX_WAIT,
          holder.getRef(), null));
      assertInstanceOf(Granted.class, holder.receiveMessage(Duration.ofSeconds(1)), "a permit is free at once");
      System.out.println("raced outcomes: " + racedOutcomes);
    }
  }
}
