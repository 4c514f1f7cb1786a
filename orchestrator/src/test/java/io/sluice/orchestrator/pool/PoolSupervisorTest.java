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
import io.sluice.protocols.permit.LeaseId;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import io.sluice.protocols.permit.Revoked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Deterministic tests of the permit protocol in virtual time. The physical pool is a real HikariCP pool over an
 * in-memory H2 database; what PostgreSQL adds (backend connections, aborts) is covered by the integration tests.
 */
class PoolSupervisorTest extends VirtualTimeSupervisorTest {

  @Test
  void grantsUpToTheLimitThenQueues() {
    ActorRef<PermitCommand> supervisor = supervisor(2);
    TestProbe<PermitReply> a = testKit.createTestProbe();
    TestProbe<PermitReply> b = testKit.createTestProbe();
    TestProbe<PermitReply> c = testKit.createTestProbe();
    supervisor.tell(acquire(a, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(b, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(c, Priority.NORMAL, LONG_WAIT));
    Granted first = granted(a);
    granted(b);
    PoolStats busy = stats(supervisor);
    assertEquals(2, busy.granted());
    assertEquals(1, busy.waiting());
    c.expectNoMessage(Duration.ofMillis(50));

    release(supervisor, first);
    Granted third = granted(c);
    assertEquals("db", third.lease().pool());
    assertEquals(2, stats(supervisor).granted());
    assertEquals(0, stats(supervisor).waiting());
  }

  @Test
  void servesHigherPrioritiesFirstAndFifoWithinAPriority() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> order = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    Granted busy = granted(holder);
    Acquire low = acquire(order, Priority.LOW, LONG_WAIT);
    Acquire normal1 = acquire(order, Priority.NORMAL, LONG_WAIT);
    Acquire normal2 = acquire(order, Priority.NORMAL, LONG_WAIT);
    Acquire high = acquire(order, Priority.HIGH, LONG_WAIT);
    Acquire critical = acquire(order, Priority.CRITICAL, LONG_WAIT);
    for (Acquire request : List.of(low, normal1, normal2, high, critical)) {
      supervisor.tell(request);
    }
    List<Long> served = new ArrayList<>();
    Granted previous = busy;
    for (int i = 0; i < 5; i++) {
      release(supervisor, previous);
      previous = granted(order);
      served.add(previous.requestId());
    }
    assertEquals(List.of(critical.requestId(), high.requestId(), normal1.requestId(), normal2.requestId(),
        low.requestId()), served);
  }

  @Test
  void ageingLetsALowPriorityRequestOvertakeFreshUrgentOnes() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> order = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    Granted busy = granted(holder);

    Acquire low = acquire(order, Priority.LOW, LONG_WAIT);
    supervisor.tell(low);
    // One ageing interval lifts LOW to NORMAL's rank: a fresh HIGH still goes first.
    timePasses(supervisor, AGEING);
    Acquire high = acquire(order, Priority.HIGH, LONG_WAIT);
    supervisor.tell(high);
    release(supervisor, busy);
    Granted first = granted(order);
    assertEquals(high.requestId(), first.requestId());

    // Three intervals in all lift LOW to CRITICAL's rank; being older, it beats a fresh CRITICAL.
    timePasses(supervisor, AGEING.multipliedBy(2));
    Acquire critical = acquire(order, Priority.CRITICAL, LONG_WAIT);
    supervisor.tell(critical);
    release(supervisor, first);
    Granted second = granted(order);
    assertEquals(low.requestId(), second.requestId());
    release(supervisor, second);
    assertEquals(critical.requestId(), granted(order).requestId());
  }

  @Test
  void aRequestThatWaitsLongerThanItsMaxWaitIsRejectedTimedOut() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> waiter = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    granted(holder);
    supervisor.tell(acquire(waiter, Priority.NORMAL, Duration.ofSeconds(2)));
    assertTrue(stats(supervisor).activeTimers().contains(PoolSupervisor.WAIT_DEADLINE));

    timePasses(supervisor, Duration.ofMillis(1900));
    waiter.expectNoMessage(Duration.ofMillis(50));
    timePasses(supervisor, Duration.ofMillis(100));
    Rejected rejected = rejected(waiter);
    assertEquals(RejectReason.TIMED_OUT, rejected.reason());
    assertTrue(rejected.detail().contains("within PT2S"), rejected.detail());
    PoolStats after = stats(supervisor);
    assertEquals(0, after.waiting());
    assertEquals(1L, after.counters().rejected().get(RejectReason.TIMED_OUT));
    assertFalse(after.activeTimers().contains(PoolSupervisor.WAIT_DEADLINE));
  }

  @Test
  void aFullQueueRejectsWithQueueFull() {
    ActorRef<PermitCommand> supervisor = supervisor(1, 2, 0);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.CRITICAL, LONG_WAIT));
    Rejected rejected = rejected(probe);
    assertEquals(RejectReason.QUEUE_FULL, rejected.reason());
    assertTrue(rejected.detail().contains("sluice.pools.db.max-queue = 2"), rejected.detail());
    assertEquals(2, stats(supervisor).waiting());
  }

  @Test
  void aHolderThatStopsGivesBackItsLeasesAndLeavesTheQueue() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    ActorRef<Void> holder = testKit.spawn(Behaviors.<Void>empty());
    ActorRef<Void> otherHolder = testKit.spawn(Behaviors.<Void>empty());
    TestProbe<PermitReply> holderReplies = testKit.createTestProbe();
    TestProbe<PermitReply> otherReplies = testKit.createTestProbe();
    supervisor.tell(acquire(holderReplies, LeaseKind.SHORT, Priority.NORMAL, LONG_WAIT, holder));
    granted(holderReplies);
    supervisor.tell(acquire(holderReplies, LeaseKind.SHORT, Priority.HIGH, LONG_WAIT, holder));
    supervisor.tell(acquire(otherReplies, LeaseKind.SHORT, Priority.NORMAL, LONG_WAIT, otherHolder));
    assertEquals(2, stats(supervisor).waiting());

    LoggingTestKit.warn("holder stopped while holding a lease").expect(testKit.system(), () -> {
      testKit.stop(holder);
      return null;
    });
    granted(otherReplies);
    Rejected leftWithItsHolder = rejected(holderReplies);
    assertEquals(RejectReason.CANCELLED, leftWithItsHolder.reason(), "a waiter whose holder died is answered");
    assertTrue(leftWithItsHolder.detail().contains("stopped while waiting"), leftWithItsHolder.detail());
    holderReplies.expectNoMessage(Duration.ofMillis(50));
    PoolStats after = stats(supervisor);
    assertEquals(1L, after.counters().rejected().get(RejectReason.CANCELLED));
    assertEquals(1, after.counters().holderDied());
    assertEquals(1, after.granted());
    assertEquals(0, after.waiting());
  }

  @Test
  void aShortLeaseHeldPastMaxHoldIsRevokedAndCountedAsALeak() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted lease = granted(probe);
    assertEquals(MAX_HOLD, lease.lease().maxHold());
    assertTrue(stats(supervisor).activeTimers().contains(PoolSupervisor.HOLD_CHECK));

    timePasses(supervisor, MAX_HOLD.minusMillis(1));
    probe.expectNoMessage(Duration.ofMillis(50));
    LoggingTestKit.warn("lease revoked, held past max hold (leak)")
        .withMessageContains("owner=" + lease.lease().owner())
        .withMessageContains("purpose=" + lease.lease().purpose())
        .expect(testKit.system(), () -> {
          timePasses(supervisor, Duration.ofMillis(1));
          return null;
        });
    Revoked revoked = assertInstanceOf(Revoked.class, probe.receiveMessage());
    assertEquals(lease.lease().id(), revoked.lease());
    PoolStats after = stats(supervisor);
    assertEquals(0, after.granted());
    assertEquals(1, after.counters().revoked());
    assertEquals(1, after.counters().leaked());
    assertFalse(after.activeTimers().contains(PoolSupervisor.HOLD_CHECK));

    // The late release of the revoked lease is ignored: capacity stays at the limit.
    release(supervisor, lease);
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    probe.expectNoMessage(Duration.ofMillis(50));
    assertEquals(1, stats(supervisor).granted());
  }

  @Test
  void aLongLivedLeaseSurvivesMaxHoldIsListedAndCapped() {
    ActorRef<PermitCommand> supervisor = supervisor(3, 100, 1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    Acquire listener = new Acquire(++requestIds, "notifier", "listen-campaign-events", LeaseKind.LONG_LIVED,
        Priority.NORMAL, LONG_WAIT, probe.getRef(), null);
    supervisor.tell(listener);
    Granted lease = granted(probe);
    assertEquals(Duration.ZERO, lease.lease().maxHold());
    assertFalse(stats(supervisor).activeTimers().contains(PoolSupervisor.HOLD_CHECK));

    timePasses(supervisor, MAX_HOLD.multipliedBy(6));
    probe.expectNoMessage(Duration.ofMillis(50));
    PoolStats held = stats(supervisor);
    assertEquals(1, held.grantedLongLived());
    assertEquals(0, held.counters().revoked());
    assertEquals(1, held.longLived().size());
    assertEquals("notifier", held.longLived().get(0).owner());
    assertEquals("listen-campaign-events", held.longLived().get(0).purpose());
    assertEquals(MAX_HOLD.multipliedBy(6).toMillis(), held.longLived().get(0).heldForMillis());

    supervisor.tell(acquire(probe, LeaseKind.LONG_LIVED, Priority.NORMAL, LONG_WAIT, null));
    Rejected capped = rejected(probe);
    assertEquals(RejectReason.LONG_LIVED_CAP, capped.reason());
    assertTrue(capped.detail().contains("max-long-lived = 1"), capped.detail());
  }

  @Test
  void shortWorkKeepsAPermitWhileLongLivedLeasesFillTheLimit() {
    PoolSettings settings = new PoolSettings("db", "sluice-test", 4, 4, 100, Duration.ofSeconds(5), MAX_HOLD, 2,
        IDLE_TIMEOUT, AGEING, Duration.ofSeconds(1));
    HikariGovernedPool pool = HikariGovernedPool.open(new DatabaseSettings(
        "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4, false), settings);
    pools.add(pool);
    // Slow start holds the limit at 2: exactly the two long-lived leases.
    LimitSettings slowStart = new LimitSettings(LimitSettings.LimitAlgorithmName.GRADIENT, 2, 4, 2,
        Duration.ofMinutes(1), 0.5, 0.8, 1.5, 0.2, Duration.ofMinutes(1), 0.9, 1, 0.5);
    ActorRef<PermitCommand> supervisor = testKit.spawn(PoolSupervisor.create(settings, pool, slowStart, virtualNanos));
    supervisors.add(supervisor);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, LeaseKind.LONG_LIVED, Priority.NORMAL, LONG_WAIT, null));
    supervisor.tell(acquire(probe, LeaseKind.LONG_LIVED, Priority.NORMAL, LONG_WAIT, null));
    granted(probe);
    granted(probe);
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    PoolStats stats = stats(supervisor);
    assertEquals(3, stats.limit(), "one permit above the long-lived leases");
    assertEquals(3, stats.granted());
  }

  @Test
  void anIdlePoolDrainsAndKeepsNoTimers() {
    ActorRef<PermitCommand> supervisor = supervisor(2);
    PoolStats fresh = stats(supervisor);
    assertTrue(fresh.drained());
    assertEquals(List.of(), fresh.activeTimers());

    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted lease = granted(probe);
    assertFalse(stats(supervisor).drained());
    release(supervisor, lease);
    assertTrue(stats(supervisor).activeTimers().contains(PoolSupervisor.IDLE_DRAIN));

    timePasses(supervisor, IDLE_TIMEOUT.minusMillis(1));
    assertFalse(stats(supervisor).drained());
    timePasses(supervisor, Duration.ofMillis(1));
    PoolStats drained = stats(supervisor);
    assertTrue(drained.drained());
    assertEquals(List.of(), drained.activeTimers(), "the drain leaves no timer behind");
    assertEquals(1, drained.counters().idleDrains());
    assertEquals(0, drained.physical().total());

    // Work during the countdown postpones the drain: it counts from when the pool last went idle.
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    release(supervisor, granted(probe));
    timePasses(supervisor, IDLE_TIMEOUT.minusSeconds(5));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted again = granted(probe);
    // Past the first countdown's end, still within the lease's max hold.
    timePasses(supervisor, Duration.ofSeconds(6));
    assertFalse(stats(supervisor).drained(), "no drain while a lease is held");
    release(supervisor, again);
    timePasses(supervisor, IDLE_TIMEOUT.minusMillis(1));
    assertFalse(stats(supervisor).drained());
    timePasses(supervisor, Duration.ofMillis(1));
    assertTrue(stats(supervisor).drained());
    assertEquals(List.of(), stats(supervisor).activeTimers());
  }

  @Test
  void unknownAndDuplicateReleasesAreIgnoredCountedAndLogged() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    LoggingTestKit.info("release of unknown or already returned lease ignored").expect(testKit.system(), () -> {
      supervisor.tell(new Release(new LeaseId(999_999), Duration.ZERO, false));
      return null;
    });
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted lease = granted(probe);
    release(supervisor, lease);
    release(supervisor, lease);
    supervisor.tell(new Release(null, Duration.ZERO, false));

    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    probe.expectNoMessage(Duration.ofMillis(50));
    PoolStats after = stats(supervisor);
    assertEquals(1, after.granted());
    assertEquals(1, after.waiting());
    assertEquals(3, after.counters().releasesIgnored());
    assertEquals(1, after.counters().released());
  }

  @Test
  void malformedRequestsAreRejectedAndCountedWithoutHarm() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, Duration.ZERO));
    Rejected zero = rejected(probe);
    assertEquals(RejectReason.INVALID_REQUEST, zero.reason());
    assertTrue(zero.detail().contains("maxWait must be positive"), zero.detail());
    supervisor.tell(acquire(probe, Priority.NORMAL, Duration.ofSeconds(-1)));
    assertEquals(RejectReason.INVALID_REQUEST, rejected(probe).reason());
    supervisor.tell(new Acquire(++requestIds, " ", "p", LeaseKind.SHORT, Priority.NORMAL, LONG_WAIT, probe.getRef(),
        null));
    assertEquals(RejectReason.INVALID_REQUEST, rejected(probe).reason());

    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    assertEquals(3, stats(supervisor).counters().invalidRequests());
  }

  @Test
  void giveUpRemovesAWaitingRequestAndReclaimsAGrantThatCrossedIt() {
    ActorRef<PermitCommand> supervisor = supervisor(1);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> quitter = testKit.createTestProbe();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    Granted busy = granted(holder);

    Acquire waiting = acquire(quitter, Priority.NORMAL, LONG_WAIT);
    supervisor.tell(waiting);
    supervisor.tell(new GiveUp(quitter.getRef(), waiting.requestId()));
    Rejected cancelled = rejected(quitter);
    assertEquals(waiting.requestId(), cancelled.requestId());
    assertEquals(RejectReason.CANCELLED, cancelled.reason());
    release(supervisor, busy);
    quitter.expectNoMessage(Duration.ofMillis(50));
    assertEquals(0, stats(supervisor).granted());

    // The grant reaches a requester that has already given up: the GiveUp brings the permit back.
    Acquire crossing = acquire(quitter, Priority.NORMAL, LONG_WAIT);
    supervisor.tell(crossing);
    granted(quitter);
    supervisor.tell(new GiveUp(quitter.getRef(), crossing.requestId()));
    PoolStats after = stats(supervisor);
    assertEquals(0, after.granted());
    assertEquals(1, after.counters().grantsReclaimed());
    assertEquals(1L, after.counters().rejected().get(RejectReason.CANCELLED));
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    granted(holder);
  }

  @Test
  void statsListTheLongestHoldersAndTheDistributions() {
    ActorRef<PermitCommand> supervisor = supervisor(3);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted oldest = granted(probe);
    timePasses(supervisor, Duration.ofSeconds(2));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted newer = granted(probe);
    timePasses(supervisor, Duration.ofSeconds(1));

    PoolStats stats = stats(supervisor);
    assertEquals(3, stats.limit());
    assertEquals(2, stats.grantedShort());
    assertEquals(List.of(oldest.lease().owner(), newer.lease().owner()),
        stats.longestHolders().stream().map(PoolStats.Holder::owner).toList());
    assertEquals(3000, stats.longestHolders().get(0).heldForMillis());
    assertEquals(2, stats.waitMillis().count());

    release(supervisor, oldest);
    PoolStats after = stats(supervisor);
    assertEquals(1, after.holdMillis().count());
    assertEquals(3000, after.holdMillis().max(), 30);
    release(supervisor, newer);
  }
}
