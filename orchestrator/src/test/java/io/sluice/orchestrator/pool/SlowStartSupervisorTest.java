package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.testkit.ExplicitlyTriggeredScheduler;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.Release;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slow start and the evaluation timer, through the real supervisor in virtual time. */
class SlowStartSupervisorTest {
  private static final Duration INTERVAL = Duration.ofMillis(250);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private static ActorTestKit testKit;
  private static ManualTime manualTime;
  private static HikariGovernedPool pool;
  private static ActorRef<PermitCommand> supervisor;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("SlowStartSupervisorTest",
        ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()));
    manualTime = ManualTime.get(testKit.system());
    ExplicitlyTriggeredScheduler scheduler =
        (ExplicitlyTriggeredScheduler) testKit.system().classicSystem().scheduler();
    PoolSettings settings = new PoolSettings("db", "sluice-test", 8, 8, 1000, Duration.ofSeconds(5),
        Duration.ofMinutes(10), 0, IDLE_TIMEOUT, Duration.ofSeconds(1), Duration.ofSeconds(1));
    LimitSettings limit = new LimitSettings(LimitSettings.LimitAlgorithmName.GRADIENT, 2, 8, 2, INTERVAL, 0.5, 0.8,
        1.5, 0.2, Duration.ofSeconds(30), 0.9, 1, 0.5);
    pool = HikariGovernedPool.open(new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", 8, false), settings);
    supervisor = testKit.spawn(PoolSupervisor.create(settings, pool, limit,
        () -> TimeUnit.MILLISECONDS.toNanos(scheduler.currentTimeMs())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    pool.close();
  }

  private static PoolStats stats() {
    TestProbe<PoolStats> probe = testKit.createTestProbe();
    supervisor.tell(new GetPoolStats(probe.getRef()));
    return probe.receiveMessage();
  }

  private static void timePasses(Duration duration) {
    stats();
    manualTime.timePasses(duration);
  }

  private static List<Granted> grants(TestProbe<PermitReply> probe, int expected) {
    List<Granted> grants = new ArrayList<>();
    for (int i = 0; i < expected; i++) {
      grants.add(assertInstanceOf(Granted.class, probe.receiveMessage()));
    }
    probe.expectNoMessage(Duration.ofMillis(50));
    return grants;
  }

  @Test
  void aColdHerdIsAdmittedByDoublingTheLimitAndAnIdlePoolRunsNoEvaluationTimer() {
    PoolStats idle = stats();
    assertEquals(2, idle.limit());
    assertEquals(List.of(), idle.activeTimers());

    TestProbe<PermitReply> herd = testKit.createTestProbe();
    for (int i = 0; i < 100; i++) {
      supervisor.tell(new Acquire(i, "worker-" + i, "cold-start", LeaseKind.SHORT, Priority.NORMAL,
          Duration.ofMinutes(1), herd.getRef(), null));
    }
    List<Granted> held = new ArrayList<>(grants(herd, 2));
    assertTrue(stats().activeTimers().contains(PoolSupervisor.LIMIT_EVALUATION));

    timePasses(INTERVAL);
    held.addAll(grants(herd, 2));
    assertEquals(4, stats().limit());
    timePasses(INTERVAL);
    held.addAll(grants(herd, 4));
    assertEquals(8, stats().limit());
    timePasses(INTERVAL);
    herd.expectNoMessage(Duration.ofMillis(50));
    assertEquals(8, stats().limit(), "the ceiling (the pool size) is never exceeded");
    assertEquals(8, stats().granted());

    // Work through the queue: every release lets the next waiter in.
    int served = held.size();
    while (!held.isEmpty()) {
      Granted lease = held.remove(0);
      supervisor.tell(new Release(lease.lease().id(), Duration.ofMillis(20), false));
      if (served < 100) {
        held.add(assertInstanceOf(Granted.class, herd.receiveMessage()));
        served++;
      }
    }
    PoolStats done = stats();
    assertEquals(0, done.granted());
    assertEquals(0, done.waiting());
    timePasses(INTERVAL.multipliedBy(2));
    assertFalse(stats().activeTimers().contains(PoolSupervisor.LIMIT_EVALUATION),
        "the evaluation timer stops after an interval without work");

    timePasses(IDLE_TIMEOUT.minus(INTERVAL.multipliedBy(2)));
    PoolStats drained = stats();
    assertTrue(drained.drained());
    assertEquals(List.of(), drained.activeTimers());
    assertEquals(2, drained.limit(), "slow start begins again after an idle drain");
    assertFalse(drained.counters().limitChanges() == 0);
  }
}
