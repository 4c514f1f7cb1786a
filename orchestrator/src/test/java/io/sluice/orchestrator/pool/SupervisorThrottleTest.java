package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.callslots.CallSlotResource;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.Throttle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link Throttle} (the resource answered 429 with Retry-After) in virtual time, over a connection-free resource:
 * the limit drops to the permits granted minus the refused one, never below the floor, revokes nothing, and comes
 * back when the Retry-After has passed.
 */
class SupervisorThrottleTest extends VirtualTimeSupervisorTest {
  private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

  private ActorRef<PermitCommand> slots(int capacity, int floor) {
    PoolSettings settings = new PoolSettings("call-slots", "sluice-call-slots", capacity, capacity, 100,
        Duration.ofSeconds(5), Duration.ofMinutes(30), 0, IDLE_TIMEOUT, AGEING, Duration.ZERO);
    ActorRef<PermitCommand> supervisor = testKit.spawn(PoolSupervisor.create(settings,
        new CallSlotResource(capacity), new FixedLimit(capacity), Duration.ofSeconds(1), floor, virtualNanos));
    supervisors.add(supervisor);
    return supervisor;
  }

  private List<Granted> grantAll(ActorRef<PermitCommand> supervisor, TestProbe<PermitReply> probe, int count) {
    List<Granted> grants = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
      grants.add(granted(probe));
    }
    return grants;
  }

  @Test
  void lowersTheLimitToTheAcceptedCallsWithoutRevokingAndRecoversAfterRetryAfter() {
    ActorRef<PermitCommand> supervisor = slots(4, 1);
    TestProbe<PermitReply> calls = testKit.createTestProbe();
    List<Granted> inFlight = grantAll(supervisor, calls, 4);

    supervisor.tell(new Throttle(RETRY_AFTER));
    PoolStats throttled = stats(supervisor);
    assertEquals(3, throttled.limit());
    assertEquals(4, throttled.granted(), "no lease is revoked");
    assertEquals(new PoolStats.ThrottleState(true, 3, RETRY_AFTER.toMillis(), 1), throttled.throttle());
    assertTrue(throttled.activeTimers().contains(PoolSupervisor.THROTTLE_END));
    assertEquals(4, throttled.physical().active(), "the resource still has every call in flight");

    TestProbe<PermitReply> waiter = testKit.createTestProbe();
    supervisor.tell(acquire(waiter, Priority.NORMAL, LONG_WAIT));
    release(supervisor, inFlight.get(0));
    waiter.expectNoMessage(Duration.ofMillis(50));
    assertEquals(3, stats(supervisor).granted(), "the refused call's slot came back and was not handed out again");
    calls.expectNoMessage(Duration.ofMillis(10));

    timePasses(supervisor, RETRY_AFTER.minusMillis(1));
    waiter.expectNoMessage(Duration.ofMillis(50));
    timePasses(supervisor, Duration.ofMillis(1));
    granted(waiter);
    PoolStats recovered = stats(supervisor);
    assertEquals(4, recovered.limit());
    assertEquals(new PoolStats.ThrottleState(false, 0, 0, 1), recovered.throttle());
    assertFalse(recovered.activeTimers().contains(PoolSupervisor.THROTTLE_END));
  }

  @Test
  void neverCapsBelowTheFloor() {
    ActorRef<PermitCommand> supervisor = slots(5, 2);
    TestProbe<PermitReply> calls = testKit.createTestProbe();
    grantAll(supervisor, calls, 1);
    supervisor.tell(new Throttle(RETRY_AFTER));
    PoolStats stats = stats(supervisor);
    assertEquals(2, stats.limit());
    assertEquals(2, stats.throttle().cap());
    supervisor.tell(acquire(calls, Priority.NORMAL, LONG_WAIT));
    granted(calls);
  }

  @Test
  void aSecondThrottleKeepsTheLowerCapAndTheLaterEnd() {
    ActorRef<PermitCommand> supervisor = slots(6, 1);
    TestProbe<PermitReply> calls = testKit.createTestProbe();
    List<Granted> inFlight = grantAll(supervisor, calls, 6);
    supervisor.tell(new Throttle(RETRY_AFTER));
    timePasses(supervisor, Duration.ofSeconds(4));
    release(supervisor, inFlight.get(0));
    release(supervisor, inFlight.get(1));
    supervisor.tell(new Throttle(Duration.ofSeconds(2)));
    PoolStats overlapping = stats(supervisor);
    assertEquals(3, overlapping.limit(), "4 out when the second refusal came: cap 3, below the first cap 5");
    assertEquals(new PoolStats.ThrottleState(true, 3, Duration.ofSeconds(6).toMillis(), 2), overlapping.throttle());

    timePasses(supervisor, Duration.ofSeconds(5));
    assertEquals(3, stats(supervisor).limit(), "the first throttle's end still holds");
    timePasses(supervisor, Duration.ofSeconds(1));
    assertEquals(6, stats(supervisor).limit());
  }

  @Test
  void anAbsurdRetryAfterCountsAsTheLongest() {
    ActorRef<PermitCommand> supervisor = slots(3, 1);
    supervisor.tell(new Throttle(Duration.ofDays(30)));
    assertEquals(Throttle.LONGEST.toMillis(), stats(supervisor).throttle().remainingMillis());
  }

  @Test
  void aNonPositiveRetryAfterIsIgnoredAndCounted() {
    ActorRef<PermitCommand> supervisor = slots(3, 1);
    supervisor.tell(new Throttle(Duration.ZERO));
    supervisor.tell(new Throttle(null));
    PoolStats stats = stats(supervisor);
    assertEquals(3, stats.limit());
    assertEquals(PoolStats.ThrottleState.NEVER, stats.throttle());
    assertEquals(2, stats.counters().invalidRequests());
  }

  @Test
  void anIdleDrainStopsTheTimerButNotTheCap() {
    ActorRef<PermitCommand> supervisor = slots(4, 1);
    TestProbe<PermitReply> calls = testKit.createTestProbe();
    List<Granted> inFlight = grantAll(supervisor, calls, 3);
    supervisor.tell(new Throttle(Duration.ofMinutes(5)));
    inFlight.forEach(lease -> release(supervisor, lease));
    timePasses(supervisor, IDLE_TIMEOUT);
    PoolStats drained = stats(supervisor);
    assertTrue(drained.drained());
    assertEquals(List.of(), drained.activeTimers());
    assertEquals(2, drained.limit());

    grantAll(supervisor, calls, 2);
    supervisor.tell(acquire(calls, Priority.NORMAL, LONG_WAIT));
    calls.expectNoMessage(Duration.ofMillis(50));
    assertTrue(stats(supervisor).activeTimers().contains(PoolSupervisor.THROTTLE_END), "work brought the timer back");
    timePasses(supervisor, Duration.ofMinutes(5));
    granted(calls);
  }

  @Test
  void aThrottleThatLapsesWhileDrainedNoLongerCapsTheNextWork() {
    ActorRef<PermitCommand> supervisor = slots(4, 1);
    TestProbe<PermitReply> calls = testKit.createTestProbe();
    List<Granted> inFlight = grantAll(supervisor, calls, 2);
    supervisor.tell(new Throttle(Duration.ofMinutes(1)));
    inFlight.forEach(lease -> release(supervisor, lease));
    timePasses(supervisor, IDLE_TIMEOUT);
    assertTrue(stats(supervisor).drained());
    timePasses(supervisor, Duration.ofMinutes(1));
    grantAll(supervisor, calls, 4);
    assertEquals(4, stats(supervisor).limit());
  }
}
