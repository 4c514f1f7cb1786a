package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.LoggingTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
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
import io.sluice.protocols.permit.Release;
import io.sluice.protocols.permit.Revoked;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Holders' deaths, give-ups, revocations and time-outs as the rest of the pool sees them: grants, gauges, idling. */
class SupervisorLifecycleTest extends VirtualTimeSupervisorTest {
  private final String name = "lifecycle-" + UUID.randomUUID();


  /** No test starts at the virtual clock's origin, where {@code now - t} and {@code now + t} would agree. */
  @BeforeEach
  void awayFromTheClocksOrigin() {
    manualTime.timePasses(Duration.ofHours(1));
  }

  /** A supervisor of its own pool name, so that its Kamon gauges are its alone. */
  private ActorRef<PermitCommand> named(int limit, LimitSettings limitSettings, int maxLongLived) {
    PoolSettings settings = new PoolSettings(name, "sluice-test", limit, limit, 100, Duration.ofSeconds(5), MAX_HOLD,
        maxLongLived, IDLE_TIMEOUT, AGEING, Duration.ofSeconds(1));
    HikariGovernedPool pool = HikariGovernedPool.open(new DatabaseSettings(
        "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", limit, false), settings);
    pools.add(pool);
    ActorRef<PermitCommand> supervisor =
        testKit.spawn(PoolSupervisor.create(settings, pool, limitSettings, virtualNanos));
    supervisors.add(supervisor);
    return supervisor;
  }

  /** Slow start at 2 of 4 permits, evaluated only every {@code evaluation}. */
  private static LimitSettings slowStart(Duration evaluation) {
    return new LimitSettings(LimitSettings.LimitAlgorithmName.GRADIENT, 2, 4, 2, evaluation, 0.5, 0.8, 1.5, 0.2,
        Duration.ofMinutes(10), 0.9, 1, 0.5);
  }

  /** Waits until the supervisor has handled everything sent so far, without touching its gauges. */
  private static void settle(ActorRef<PermitCommand> supervisor) {
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(new Acquire(0, "ping", "ping", LeaseKind.SHORT, Priority.NORMAL, Duration.ZERO, probe.getRef(),
        null));
    assertEquals(RejectReason.INVALID_REQUEST, rejected(probe).reason());
  }

  private static void openAndGiveBack(HikariGovernedPool pool, Granted granted) throws Exception {
    long id = granted.lease().id().value();
    Connection connection = pool.connectionFor(id);
    pool.giveBack(id, connection);
  }

  @Test
  void aHolderWhoseOnlyLeaseWasGrantedAtOnceIsWatchedAndItsDeathLoggedWithTheTimeHeld() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    ActorRef<Void> holder = testKit.spawn(Behaviors.<Void>empty());
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    TestProbe<PermitReply> next = testKit.createTestProbe();
    supervisor.tell(acquire(probe, LeaseKind.SHORT, Priority.NORMAL, LONG_WAIT, holder));
    granted(probe);
    supervisor.tell(acquire(next, Priority.NORMAL, LONG_WAIT));
    timePasses(supervisor, Duration.ofSeconds(3));

    LoggingTestKit.warn("holder stopped while holding a lease; permit returned: pool=db")
        .withMessageContains("heldFor=PT3S")
        .expect(testKit.system(), () -> {
          testKit.stop(holder);
          return null;
        });
    granted(next);
    assertEquals(1, stats(supervisor).counters().holderDied());
  }

  @Test
  void aHolderWhoseOnlyRequestWaitsIsWatched() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    ActorRef<Void> holder = testKit.spawn(Behaviors.<Void>empty());
    TestProbe<PermitReply> busy = testKit.createTestProbe();
    TestProbe<PermitReply> waiting = testKit.createTestProbe();
    supervisor.tell(acquire(busy, Priority.NORMAL, LONG_WAIT));
    granted(busy);
    supervisor.tell(acquire(waiting, LeaseKind.SHORT, Priority.NORMAL, LONG_WAIT, holder));
    assertEquals(1, stats(supervisor).waiting());

    testKit.stop(holder);
    assertEquals(RejectReason.CANCELLED, rejected(waiting).reason());
    assertEquals(0, stats(supervisor).waiting());
  }

  @Test
  void aHolderThatDiesWithItsConnectionOpenHasItAborted() throws Exception {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    HikariGovernedPool pool = lastPool();
    ActorRef<Void> holder = testKit.spawn(Behaviors.<Void>empty());
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, LeaseKind.SHORT, Priority.NORMAL, LONG_WAIT, holder));
    Granted granted = granted(probe);
    pool.connectionFor(granted.lease().id().value());

    LoggingTestKit.warn("holder stopped while holding a lease; permit returned and its connection aborted")
        .expect(testKit.system(), () -> {
          testKit.stop(holder);
          return null;
        });
    assertFalse(pool.isAdmitted(granted.lease().id().value()));
    assertTrue(stats(supervisor).activeTimers().contains(PoolSupervisor.IDLE_DRAIN),
        "the dead holder's lease was the last: the idle countdown starts");
  }

  @Test
  void onlyAReleaseWithItsConnectionStillCheckedOutIsWarnedAbout() throws Exception {
    ActorRef<PermitCommand> supervisor = supervisor(2);
    HikariGovernedPool pool = lastPool();
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted tidy = granted(probe);
    Granted sloppy = granted(probe);
    openAndGiveBack(pool, tidy);
    pool.connectionFor(sloppy.lease().id().value());

    LoggingTestKit.warn("lease released with its connection still checked out").withOccurrences(0)
        .expect(testKit.system(), () -> {
          release(supervisor, tidy);
          return stats(supervisor);
        });
    LoggingTestKit.warn("lease released with its connection still checked out; connection aborted")
        .withMessageContains("lease=" + sloppy.lease().id().value())
        .expect(testKit.system(), () -> {
          release(supervisor, sloppy);
          return null;
        });
    assertEquals(0, stats(supervisor).granted());
  }

  @Test
  void aReclaimedGrantGoesToTheNextWaiter() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> quitter = testKit.createTestProbe();
    TestProbe<PermitReply> next = testKit.createTestProbe();
    Acquire crossing = acquire(quitter, Priority.NORMAL, LONG_WAIT);
    supervisor.tell(crossing);
    granted(quitter);
    supervisor.tell(acquire(next, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(new GiveUp(quitter.getRef(), crossing.requestId()));
    granted(next);
    assertEquals(1, stats(supervisor).counters().grantsReclaimed());
  }

  @Test
  void aReclaimedLastGrantStartsTheIdleCountdown() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> quitter = testKit.createTestProbe();
    Acquire crossing = acquire(quitter, Priority.NORMAL, LONG_WAIT);
    supervisor.tell(crossing);
    granted(quitter);
    supervisor.tell(new GiveUp(quitter.getRef(), crossing.requestId()));
    assertTrue(stats(supervisor).activeTimers().contains(PoolSupervisor.IDLE_DRAIN));
    timePasses(supervisor, IDLE_TIMEOUT);
    assertTrue(stats(supervisor).drained());
  }

  @Test
  void aGiveUpReachingADrainedPoolStartsNothing() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(new GiveUp(probe.getRef(), 42));
    PoolStats stats = stats(supervisor);
    assertTrue(stats.drained());
    assertEquals(List.of(), stats.activeTimers());
    probe.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aRevokedLastLeaseStartsTheIdleCountdownAndItsRevocationSaysHowLongItWasHeld() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    timePasses(supervisor, MAX_HOLD);
    Revoked revoked = assertInstanceOf(Revoked.class, probe.receiveMessage());
    assertTrue(revoked.reason().startsWith("held for PT10S, longer than max hold PT10S (sluice.pools.db.max-hold)"),
        revoked.reason());
    assertEquals(List.of(PoolSupervisor.IDLE_DRAIN), stats(supervisor).activeTimers());
  }

  @Test
  void theGaugesFollowTheQueueThroughATimeOut() {
    ActorRef<PermitCommand> supervisor = named(1, LimitSettings.fixed(1), 0);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    TestProbe<PermitReply> hasty = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    timePasses(supervisor, Duration.ofMillis(500));
    supervisor.tell(acquire(hasty, Priority.NORMAL, Duration.ofSeconds(1)));
    stats(supervisor);
    assertEquals(2.0, KamonReadings.gauge("sluice.permits.waiting", name));
    assertEquals(0.5, KamonReadings.gauge("sluice.permits.oldest.wait", name), 1e-9);

    timePasses(supervisor, Duration.ofSeconds(1));
    assertEquals(RejectReason.TIMED_OUT, rejected(hasty).reason());
    stats(supervisor);
    assertEquals(1.0, KamonReadings.gauge("sluice.permits.waiting", name));
    assertEquals(1.5, KamonReadings.gauge("sluice.permits.oldest.wait", name), 1e-9, "the first waiter is still in");
    assertEquals(1.0, KamonReadings.gauge("sluice.permits.granted", name, "kind", "short"));
  }

  @Test
  void theLastTimeOutEmptiesTheWaitingGauge() {
    ActorRef<PermitCommand> supervisor = named(1, LimitSettings.fixed(1), 0);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    supervisor.tell(acquire(probe, Priority.NORMAL, Duration.ofSeconds(1)));
    stats(supervisor);
    assertEquals(1.0, KamonReadings.gauge("sluice.permits.waiting", name));
    timePasses(supervisor, Duration.ofSeconds(1));
    assertEquals(RejectReason.TIMED_OUT, rejected(probe).reason());
    stats(supervisor);
    assertEquals(0.0, KamonReadings.gauge("sluice.permits.waiting", name));
    assertEquals(0.0, KamonReadings.gauge("sluice.permits.oldest.wait", name));
  }

  @Test
  void workThatCameAndWentDuringTheCountdownPostponesTheDrain() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    release(supervisor, granted(probe));
    timePasses(supervisor, Duration.ofSeconds(20));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    release(supervisor, granted(probe));

    timePasses(supervisor, Duration.ofSeconds(10));
    PoolStats firstCountdownOver = stats(supervisor);
    assertFalse(firstCountdownOver.drained(), "idle for 10 s only");
    assertEquals(List.of(PoolSupervisor.IDLE_DRAIN), firstCountdownOver.activeTimers());
    timePasses(supervisor, Duration.ofSeconds(20).minusMillis(1));
    assertFalse(stats(supervisor).drained());
    timePasses(supervisor, Duration.ofMillis(1));
    assertTrue(stats(supervisor).drained());
  }

  @Test
  void theDrainStopsAnEvaluationTimerSlowerThanTheIdleTimeoutAndShowsSlowStartsLimitAgain() {
    ActorRef<PermitCommand> supervisor = named(4, slowStart(Duration.ofMinutes(1)), 0);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    for (int i = 0; i < 7; i++) {
      supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    }
    java.util.ArrayDeque<Granted> held = new java.util.ArrayDeque<>(List.of(granted(probe), granted(probe)));
    // Two rounds at the initial limit measure the reference latency; each release passes its permit on.
    for (int i = 0; i < 4; i++) {
      supervisor.tell(new Release(held.poll().lease().id(), Duration.ofMillis(10), false));
      held.add(granted(probe));
    }
    assertEquals(2, stats(supervisor).limit(), "the reference completions do not grow the limit");
    supervisor.tell(new Release(held.poll().lease().id(), Duration.ofMillis(10), false));
    held.add(granted(probe));
    assertEquals(3, stats(supervisor).limit(), "one permit more for a healthy completion while work waited");
    held.forEach(lease -> release(supervisor, lease));
    PoolStats idle = stats(supervisor);
    assertTrue(idle.activeTimers().contains(PoolSupervisor.LIMIT_EVALUATION));
    assertEquals(3.0, KamonReadings.gauge("sluice.permits.limit", name));

    timePasses(supervisor, IDLE_TIMEOUT);
    settle(supervisor);
    assertEquals(2.0, KamonReadings.gauge("sluice.permits.limit", name), "slow start begins again at 2");
    PoolStats drained = stats(supervisor);
    assertTrue(drained.drained());
    assertEquals(List.of(), drained.activeTimers());
  }

  @Test
  void statsAndTheDrainPublishThePhysicalConnections() throws Exception {
    ActorRef<PermitCommand> supervisor = named(2, LimitSettings.fixed(2), 0);
    HikariGovernedPool pool = lastPool();
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted granted = granted(probe);
    openAndGiveBack(pool, granted);
    release(supervisor, granted);
    stats(supervisor);
    assertEquals(1.0, KamonReadings.gauge("sluice.connections", name, "state", "total"));

    timePasses(supervisor, IDLE_TIMEOUT);
    settle(supervisor);
    assertEquals(0.0, KamonReadings.gauge("sluice.connections", name, "state", "total"));
  }

  @Test
  void longLivedLeasesReturnedByTheirHoldersDeathLowerTheLimitAgain() {
    ActorRef<PermitCommand> supervisor = named(4, slowStart(Duration.ofMinutes(1)), 2);
    ActorRef<Void> listener = testKit.spawn(Behaviors.<Void>empty());
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, LeaseKind.LONG_LIVED, Priority.NORMAL, LONG_WAIT, listener));
    supervisor.tell(acquire(probe, LeaseKind.LONG_LIVED, Priority.NORMAL, LONG_WAIT, listener));
    granted(probe);
    granted(probe);
    assertEquals(3, stats(supervisor).limit(), "one permit above the long-lived leases");

    testKit.stop(listener);
    TestProbe<PermitReply> watcher = testKit.createTestProbe();
    watcher.awaitAssert(() -> {
      assertEquals(0, stats(supervisor).grantedLongLived());
      return null;
    });
    assertEquals(2, stats(supervisor).limit(), "back to slow start's limit");
  }

  @Test
  void theOldestWaitAndTheWaitDistributionAreInStats() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted first = granted(probe);
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    timePasses(supervisor, Duration.ofMillis(1500));
    assertEquals(1500, stats(supervisor).oldestWaitMillis());

    release(supervisor, first);
    granted(probe);
    PoolStats.Percentiles waits = stats(supervisor).waitMillis();
    assertEquals(2, waits.count());
    assertEquals(0.0, waits.p50(), "the first was granted at once");
    assertEquals(1500, waits.max(), 15);
    assertEquals(0, stats(supervisor).oldestWaitMillis());
  }

  @Test
  void aReleasedPermitGoesToOneWaiterOnlyAtALimitOfOne() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> first = testKit.createTestProbe();
    TestProbe<PermitReply> second = testKit.createTestProbe();
    TestProbe<PermitReply> third = testKit.createTestProbe();
    supervisor.tell(acquire(first, Priority.NORMAL, LONG_WAIT));
    Granted busy = granted(first);
    supervisor.tell(acquire(second, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(third, Priority.NORMAL, LONG_WAIT));
    release(supervisor, busy);
    granted(second);
    third.expectNoMessage(Duration.ofMillis(50));
    PoolStats stats = stats(supervisor);
    assertEquals(1, stats.granted());
    assertEquals(1, stats.waiting());
  }

  @Test
  void aLongLivedWaiterServedWhenTheCapIsAlreadyReachedIsRejected() {
    ActorRef<PermitCommand> supervisor = supervisor(2, 100, 1);
    TestProbe<PermitReply> shortWork = testKit.createTestProbe();
    TestProbe<PermitReply> firstListener = testKit.createTestProbe();
    TestProbe<PermitReply> secondListener = testKit.createTestProbe();
    supervisor.tell(acquire(shortWork, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(shortWork, Priority.NORMAL, LONG_WAIT));
    Granted a = granted(shortWork);
    Granted b = granted(shortWork);
    supervisor.tell(acquire(firstListener, LeaseKind.LONG_LIVED, Priority.NORMAL, LONG_WAIT, null));
    supervisor.tell(acquire(secondListener, LeaseKind.LONG_LIVED, Priority.NORMAL, LONG_WAIT, null));
    release(supervisor, a);
    assertEquals(LeaseKind.LONG_LIVED, granted(firstListener).lease().kind());
    release(supervisor, b);
    Rejected capped = rejected(secondListener);
    assertEquals(RejectReason.LONG_LIVED_CAP, capped.reason());
    assertTrue(capped.detail().contains("max-long-lived = 1"), capped.detail());
    assertEquals(0, stats(supervisor).waiting());
  }
}
