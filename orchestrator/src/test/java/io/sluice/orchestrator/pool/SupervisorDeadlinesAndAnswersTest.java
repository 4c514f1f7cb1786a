package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.LoggingTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Revoked;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every deadline is checked on time, whatever order deadlines appear in, and every request that leaves the queue
 * without a permit is answered, exactly once, with its own reason.
 */
class SupervisorDeadlinesAndAnswersTest extends VirtualTimeSupervisorTest {
  /** A max hold beyond the longest wait, so that the busy lease outlives every waiter of these tests. */
  private static final Duration NEVER_REVOKED = Duration.ofDays(100_000);

  @Test
  void eachWaiterTimesOutAtItsOwnDeadlineEvenWhenAnEarlierOneArrivesLater() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> patient = testKit.createTestProbe();
    TestProbe<PermitReply> hasty = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    granted(holder);
    supervisor.tell(acquire(patient, Priority.NORMAL, Duration.ofSeconds(2)));
    supervisor.tell(acquire(hasty, Priority.NORMAL, Duration.ofSeconds(1)));

    timePasses(supervisor, Duration.ofSeconds(1));
    assertEquals(RejectReason.TIMED_OUT, rejected(hasty).reason());
    patient.expectNoMessage(Duration.ofMillis(50));
    assertEquals(1, stats(supervisor).waiting(), "the first deadline rejects only the waiter that is due");

    timePasses(supervisor, Duration.ofMillis(999));
    patient.expectNoMessage(Duration.ofMillis(50));
    timePasses(supervisor, Duration.ofMillis(1));
    assertEquals(RejectReason.TIMED_OUT, rejected(patient).reason());
    PoolStats after = stats(supervisor);
    assertEquals(2L, after.counters().rejected().get(RejectReason.TIMED_OUT));
    assertFalse(after.activeTimers().contains(PoolSupervisor.WAIT_DEADLINE), "no waiter, no deadline timer");
  }

  @Test
  void leasesOfStaggeredAgesAreEachRevokedAtTheirOwnMaxHold() {
    ActorRef<PermitCommand> supervisor = supervisor(2);
    TestProbe<PermitReply> oldest = testKit.createTestProbe();
    TestProbe<PermitReply> younger = testKit.createTestProbe();
    TestProbe<PermitReply> waiter = testKit.createTestProbe();
    supervisor.tell(acquire(oldest, Priority.NORMAL, LONG_WAIT));
    granted(oldest);
    timePasses(supervisor, Duration.ofSeconds(4));
    supervisor.tell(acquire(younger, Priority.NORMAL, LONG_WAIT));
    Granted youngerLease = granted(younger);
    timePasses(supervisor, Duration.ofSeconds(1));
    supervisor.tell(acquire(waiter, Priority.NORMAL, LONG_WAIT));

    // t = 10 s: the oldest is revoked and its permit goes to the waiter, whose lease is due only at t = 20 s.
    LoggingTestKit.warn("lease revoked, held past max hold (leak)")
        .withLoggerName(PoolSupervisor.class.getName())
        .expect(testKit.system(), () -> {
          timePasses(supervisor, Duration.ofSeconds(5));
          return null;
        });
    assertInstanceOf(Revoked.class, oldest.receiveMessage());
    granted(waiter);

    // t = 14 s: the younger lease is due now, not one max hold later.
    timePasses(supervisor, Duration.ofMillis(3999));
    younger.expectNoMessage(Duration.ofMillis(50));
    timePasses(supervisor, Duration.ofMillis(1));
    Revoked revoked = assertInstanceOf(Revoked.class, younger.receiveMessage());
    assertEquals(youngerLease.lease().id(), revoked.lease());
    waiter.expectNoMessage(Duration.ofMillis(50));
    assertEquals(2, stats(supervisor).counters().leaked());

    timePasses(supervisor, Duration.ofSeconds(6));
    assertInstanceOf(Revoked.class, waiter.receiveMessage());
    assertEquals(3, stats(supervisor).counters().leaked());
  }

  @Test
  void waitingForeverIsCappedNotOverflowed() {
    ActorRef<PermitCommand> supervisor = supervisor(2, 100, 1, NEVER_REVOKED);
    ActorRef<Void> holderActor = testKit.spawn(Behaviors.<Void>empty());
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> forever = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    Granted busy = granted(holder);
    granted(holder);
    Duration waitForever = Duration.ofMillis(Long.MAX_VALUE);
    supervisor.tell(acquire(forever, LeaseKind.LONG_LIVED, Priority.NORMAL, waitForever, holderActor));
    PoolStats waiting = stats(supervisor);
    assertEquals(1, waiting.waiting());
    assertEquals(0, waiting.counters().invalidRequests());

    timePasses(supervisor, Duration.ofDays(364));
    forever.expectNoMessage(Duration.ofMillis(50));
    release(supervisor, busy);
    Granted granted = granted(forever);
    assertEquals(LeaseKind.LONG_LIVED, granted.lease().kind());
    assertEquals(1, stats(supervisor).grantedLongLived());
  }

  @Test
  void aRequestWaitingLongerThanTheCapTimesOutAtTheCap() {
    ActorRef<PermitCommand> supervisor = supervisor(1, 100, 0, NEVER_REVOKED);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> forever = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    granted(holder);
    supervisor.tell(acquire(forever, Priority.NORMAL, Duration.ofDays(10_000)));
    timePasses(supervisor, Acquire.LONGEST_WAIT.minusMillis(1));
    forever.expectNoMessage(Duration.ofMillis(50));
    timePasses(supervisor, Duration.ofMillis(1));
    Rejected rejected = rejected(forever);
    assertEquals(RejectReason.TIMED_OUT, rejected.reason());
    assertTrue(rejected.detail().contains("within " + Acquire.LONGEST_WAIT), rejected.detail());
  }

  @Test
  void giveUpCancelsOnlyTheRequestThatGaveUp() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> first = testKit.createTestProbe();
    TestProbe<PermitReply> quitter = testKit.createTestProbe();
    TestProbe<PermitReply> last = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    Granted busy = granted(holder);
    supervisor.tell(acquire(first, Priority.NORMAL, LONG_WAIT));
    Acquire quitting = acquire(quitter, Priority.NORMAL, LONG_WAIT);
    supervisor.tell(quitting);
    supervisor.tell(acquire(last, Priority.NORMAL, LONG_WAIT));

    supervisor.tell(new GiveUp(quitter.getRef(), quitting.requestId()));
    assertEquals(RejectReason.CANCELLED, rejected(quitter).reason());
    assertEquals(2, stats(supervisor).waiting());
    release(supervisor, busy);
    release(supervisor, granted(first));
    granted(last);
    quitter.expectNoMessage(Duration.ofMillis(50));
    assertEquals(1L, stats(supervisor).counters().rejected().get(RejectReason.CANCELLED));
  }

  @Test
  void stoppingAnswersEveryWaiterShuttingDownAndClosesEveryLeaseDoor() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    HikariGovernedPool pool = lastPool();
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> first = testKit.createTestProbe();
    TestProbe<PermitReply> second = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    Granted busy = granted(holder);
    supervisor.tell(acquire(first, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(second, Priority.LOW, LONG_WAIT));
    stats(supervisor);
    assertTrue(pool.isAdmitted(busy.lease().id().value()));

    testKit.stop(supervisor);
    assertEquals(RejectReason.SHUTTING_DOWN, rejected(first).reason());
    assertEquals(RejectReason.SHUTTING_DOWN, rejected(second).reason());
    assertFalse(pool.isAdmitted(busy.lease().id().value()), "the lease's door is closed at shutdown");
  }
}
