package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fixture of the supervisor's protocol tests: a real supervisor in virtual time ({@link ManualTime}) over a real
 * HikariCP pool on an in-memory H2 database; what PostgreSQL adds (backend connections, aborts) is covered by the
 * integration tests.
 */
abstract class VirtualTimeSupervisorTest {
  static final Duration LONG_WAIT = Duration.ofMinutes(10);
  static final Duration AGEING = Duration.ofSeconds(1);
  static final Duration MAX_HOLD = Duration.ofSeconds(10);
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  static ActorTestKit testKit;
  static ManualTime manualTime;
  static LongSupplier virtualNanos;

  final List<HikariGovernedPool> pools = new ArrayList<>();
  final List<ActorRef<PermitCommand>> supervisors = new ArrayList<>();
  long requestIds;

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create("VirtualTimeSupervisorTest",
        ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()));
    manualTime = ManualTime.get(testKit.system());
    ExplicitlyTriggeredScheduler scheduler =
        (ExplicitlyTriggeredScheduler) testKit.system().classicSystem().scheduler();
    virtualNanos = () -> TimeUnit.MILLISECONDS.toNanos(scheduler.currentTimeMs());
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stopSupervisorsAndPools() {
    supervisors.forEach(testKit::stop);
    pools.forEach(HikariGovernedPool::close);
  }

  ActorRef<PermitCommand> supervisor(int limit, int maxQueue, int maxLongLived) {
    return supervisor(limit, maxQueue, maxLongLived, MAX_HOLD);
  }

  ActorRef<PermitCommand> supervisor(int limit, int maxQueue, int maxLongLived, Duration maxHold) {
    PoolSettings settings = new PoolSettings("db", "sluice-test", limit, limit, maxQueue, Duration.ofSeconds(5),
        maxHold, maxLongLived, IDLE_TIMEOUT, AGEING, Duration.ofSeconds(1));
    HikariGovernedPool pool = HikariGovernedPool.open(new DatabaseSettings(
        "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", limit, false), settings);
    pools.add(pool);
    ActorRef<PermitCommand> supervisor =
        testKit.spawn(PoolSupervisor.create(settings, pool, LimitSettings.fixed(limit), virtualNanos));
    supervisors.add(supervisor);
    return supervisor;
  }

  /** The physical pool of the supervisor created last. */
  HikariGovernedPool lastPool() {
    return pools.get(pools.size() - 1);
  }

  ActorRef<PermitCommand> supervisor(int limit) {
    return supervisor(limit, 100, 0);
  }

  Acquire acquire(TestProbe<PermitReply> replyTo, Priority priority, Duration maxWait) {
    return acquire(replyTo, LeaseKind.SHORT, priority, maxWait, null);
  }

  Acquire acquire(TestProbe<PermitReply> replyTo, LeaseKind kind, Priority priority, Duration maxWait,
      ActorRef<?> holder) {
    return new Acquire(++requestIds, "owner-" + requestIds, "purpose-" + requestIds, kind, priority, maxWait,
        replyTo.getRef(), holder);
  }

  static Granted granted(TestProbe<PermitReply> probe) {
    return assertInstanceOf(Granted.class, probe.receiveMessage());
  }

  static Rejected rejected(TestProbe<PermitReply> probe) {
    return assertInstanceOf(Rejected.class, probe.receiveMessage());
  }

  static PoolStats stats(ActorRef<PermitCommand> supervisor) {
    TestProbe<PoolStats> probe = testKit.createTestProbe();
    supervisor.tell(new GetPoolStats(probe.getRef()));
    return probe.receiveMessage();
  }

  static void release(ActorRef<PermitCommand> supervisor, Granted granted) {
    supervisor.tell(new Release(granted.lease().id(), Duration.ofMillis(5), false));
  }

  /** Lets virtual time pass once every message sent so far has been processed. */
  static void timePasses(ActorRef<PermitCommand> supervisor, Duration duration) {
    stats(supervisor);
    manualTime.timePasses(duration);
  }

}
