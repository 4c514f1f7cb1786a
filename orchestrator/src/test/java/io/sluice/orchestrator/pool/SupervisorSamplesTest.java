package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.PoolSettings;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import io.sluice.protocols.permit.Release;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the supervisor tells its limit algorithm: each interval's exact sample and each release's completion. */
class SupervisorSamplesTest extends VirtualTimeSupervisorTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final long MS = Duration.ofMillis(1).toNanos();

  private final String name = "samples-" + UUID.randomUUID();
  private final RecordingLimit algorithm = new RecordingLimit();
  private HikariGovernedPool pool;

  /** One release as the algorithm saw it. */
  record Completion(long busyNanos, boolean failed, int waiting) {}

  /** A limit the test sets by hand, recording every call the supervisor makes. */
  static final class RecordingLimit implements LimitAlgorithm {
    final List<LimitSample> samples = new CopyOnWriteArrayList<>();
    final List<Completion> completions = new CopyOnWriteArrayList<>();
    volatile int limit = 2;

    @Override
    public int limit() {
      return limit;
    }

    @Override
    public int update(LimitSample sample) {
      samples.add(sample);
      return limit;
    }

    @Override
    public void completed(long nowNanos, long busyNanos, boolean failed, int waiting) {
      completions.add(new Completion(busyNanos, failed, waiting));
    }
  }


  /** No test starts at the virtual clock's origin, where {@code now - t} and {@code now + t} would agree. */
  @BeforeEach
  void awayFromTheClocksOrigin() {
    manualTime.timePasses(Duration.ofHours(1));
  }

  /** A supervisor of a pool of 4 whose algorithm starts at {@code limit}. */
  private ActorRef<PermitCommand> recordingSupervisor(int limit) {
    int size = 4;
    algorithm.limit = limit;
    PoolSettings settings = new PoolSettings(name, "sluice-test", size, size, 100, Duration.ofSeconds(5),
        Duration.ofMinutes(10), 0, IDLE_TIMEOUT, AGEING, Duration.ofSeconds(1));
    pool = HikariGovernedPool.open(new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", size, false), settings);
    pools.add(pool);
    ActorRef<PermitCommand> supervisor =
        testKit.spawn(PoolSupervisor.create(settings, pool, algorithm, INTERVAL, virtualNanos));
    supervisors.add(supervisor);
    return supervisor;
  }

  private static void releaseAfter(ActorRef<PermitCommand> supervisor, Granted granted, Duration busy,
      boolean failed) {
    supervisor.tell(new Release(granted.lease().id(), busy, failed));
  }

  /** Waits until the supervisor has handled everything sent so far, without touching its gauges. */
  private void settle(ActorRef<PermitCommand> supervisor) {
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(new Acquire(0, "ping", "ping", LeaseKind.SHORT, Priority.NORMAL, Duration.ZERO, probe.getRef(),
        null));
    assertEquals(RejectReason.INVALID_REQUEST, rejected(probe).reason());
  }

  private LimitSample onlySample() {
    assertEquals(1, algorithm.samples.size(), "one evaluation per interval");
    return algorithm.samples.get(0);
  }

  @Test
  void utilisationIsTheTimeAveragedGrantedPermitsOverTheLimit() {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(2);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    stats(supervisor);
    long start = virtualNanos.getAsLong();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted first = granted(probe);
    timePasses(supervisor, Duration.ofMillis(200));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    timePasses(supervisor, Duration.ofMillis(400));
    releaseAfter(supervisor, first, Duration.ofMillis(10), false);
    timePasses(supervisor, Duration.ofMillis(200));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    timePasses(supervisor, Duration.ofMillis(200));
    stats(supervisor);

    // 1 permit for 200 ms, 2 for 400 ms, 1 for 200 ms, 2 for 200 ms: 1600 permit-ms over 1000 ms at limit 2
    LimitSample sample = onlySample();
    assertEquals(new LimitSample(start + 1_000 * MS, 2, 0.8, 0, 0, 1, 10 * MS, 0, 0), sample);
  }

  @Test
  void theSampleCountsTheWaitersTheirOldestWaitAndTheTimeOuts() {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(1);
    TestProbe<PermitReply> holder = testKit.createTestProbe();
    TestProbe<PermitReply> hasty = testKit.createTestProbe();
    TestProbe<PermitReply> patient = testKit.createTestProbe();
    stats(supervisor);
    long start = virtualNanos.getAsLong();
    supervisor.tell(acquire(holder, Priority.NORMAL, LONG_WAIT));
    granted(holder);
    timePasses(supervisor, Duration.ofMillis(100));
    supervisor.tell(acquire(hasty, Priority.NORMAL, Duration.ofMillis(200)));
    timePasses(supervisor, Duration.ofMillis(200));
    assertEquals(RejectReason.TIMED_OUT, rejected(hasty).reason());
    timePasses(supervisor, Duration.ofMillis(100));
    supervisor.tell(acquire(patient, Priority.LOW, LONG_WAIT));
    timePasses(supervisor, Duration.ofMillis(600));
    stats(supervisor);

    assertEquals(new LimitSample(start + 1_000 * MS, 1, 1.0, 1, 600 * MS, 0, 0, 0, 1), onlySample());
  }

  @Test
  void eachReleaseReportsItsLatencyFailureAndTheQueueAndOnlyMeasuredLatencyCountsForTheMean() {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(3);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    stats(supervisor);
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted measured = granted(probe);
    Granted unopened = granted(probe);
    Granted clockSkewed = granted(probe);
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    releaseAfter(supervisor, measured, Duration.ofMillis(30), false);
    releaseAfter(supervisor, unopened, null, true);
    releaseAfter(supervisor, clockSkewed, Duration.ofMillis(-5), false);
    timePasses(supervisor, INTERVAL);
    stats(supervisor);

    assertEquals(List.of(new Completion(30 * MS, false, 2), new Completion(-1, true, 1), new Completion(0, false, 0)),
        algorithm.completions);
    LimitSample sample = onlySample();
    assertEquals(3, sample.completions());
    assertEquals(15 * MS, sample.meanBusyNanos(), "(30 ms + 0 ms) / 2: the unopened connection measured nothing");
    assertEquals(1, sample.failures());
    assertEquals(3, stats(supervisor).counters().released());
    assertEquals(1, stats(supervisor).counters().failedWork());
  }

  @Test
  void aLimitRaisedOnACompletionAdmitsTheWaitersAtOnce() {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted first = granted(probe);
    for (int i = 0; i < 3; i++) {
      supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    }
    assertEquals(3, stats(supervisor).waiting());
    algorithm.limit = 3;
    releaseAfter(supervisor, first, Duration.ofMillis(10), false);
    granted(probe);
    granted(probe);
    granted(probe);
    assertEquals(3, stats(supervisor).limit());
    assertEquals(3, stats(supervisor).granted());
  }

  @Test
  void aPoolBusyThroughAWholeIntervalWithoutAnyChangeIsStillEvaluated() {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(2);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    granted(probe);
    timePasses(supervisor, INTERVAL);
    timePasses(supervisor, INTERVAL);
    stats(supervisor);
    assertEquals(2, algorithm.samples.size());
    assertEquals(0.5, algorithm.samples.get(1).utilisation(), 1e-9, "1 of 2 permits held all along");
    assertTrue(stats(supervisor).activeTimers().contains(PoolSupervisor.LIMIT_EVALUATION));
  }

  @Test
  void anIntervalThatEndedIdleIsEvaluatedOnceThenEvaluationStops() {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(2);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted lease = granted(probe);
    timePasses(supervisor, Duration.ofMillis(500));
    releaseAfter(supervisor, lease, Duration.ofMillis(20), false);
    timePasses(supervisor, Duration.ofMillis(500));
    stats(supervisor);
    assertEquals(1, algorithm.samples.size(), "the interval saw a grant and a release");
    assertEquals(1, algorithm.samples.get(0).completions());

    timePasses(supervisor, INTERVAL);
    stats(supervisor);
    assertEquals(1, algorithm.samples.size(), "an interval without work is not evaluated");
    assertFalse(stats(supervisor).activeTimers().contains(PoolSupervisor.LIMIT_EVALUATION));
  }

  @Test
  void aLimitRaisedByAnEvaluationAdmitsWaitersAndShowsInTheGauges() {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(1);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    for (int i = 0; i < 3; i++) {
      supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    }
    granted(probe);
    assertEquals(2, stats(supervisor).waiting());
    assertEquals(1.0, KamonReadings.gauge("sluice.permits.limit", name));
    algorithm.limit = 3;
    timePasses(supervisor, INTERVAL);
    granted(probe);
    granted(probe);
    stats(supervisor);
    assertEquals(3.0, KamonReadings.gauge("sluice.permits.limit", name));
    assertEquals(3.0, KamonReadings.gauge("sluice.permits.granted", name, "kind", "short"));
    assertEquals(0.0, KamonReadings.gauge("sluice.permits.waiting", name));
  }

  @Test
  void theEvaluationPublishesThePhysicalConnections() throws Exception {
    ActorRef<PermitCommand> supervisor = recordingSupervisor(2);
    TestProbe<PermitReply> probe = testKit.createTestProbe();
    supervisor.tell(acquire(probe, Priority.NORMAL, LONG_WAIT));
    Granted lease = granted(probe);
    Connection connection = pool.connectionFor(lease.lease().id().value());
    pool.giveBack(lease.lease().id().value(), connection);
    settle(supervisor);
    manualTime.timePasses(INTERVAL);
    settle(supervisor);
    assertEquals(1, algorithm.samples.size());
    assertEquals(1.0, KamonReadings.gauge("sluice.connections", name, "state", "total"));
    assertEquals(1.0, KamonReadings.gauge("sluice.connections", name, "state", "idle"));
  }
}
