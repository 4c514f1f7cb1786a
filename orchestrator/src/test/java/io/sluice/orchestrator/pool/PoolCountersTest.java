package io.sluice.orchestrator.pool;

import static io.sluice.orchestrator.pool.KamonReadings.counter;
import static io.sluice.orchestrator.pool.KamonReadings.histogram;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the supervisor's counters and distributions report, and that each event reaches its Kamon series too. */
class PoolCountersTest {
  private static final long US = 1_000;

  private final String pool = "pool-" + UUID.randomUUID();
  private final PoolMetrics metrics = new PoolMetrics(pool);
  private final PoolCounters counters = new PoolCounters(metrics);

  @Test
  void aFreshSupervisorHasCountedNothing() {
    assertEquals(new PoolStats.Counters(0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), counters.snapshot());
    assertEquals(new PoolStats.Percentiles(0, 0, 0, 0, 0), counters.waitMillis());
    assertEquals(new PoolStats.Percentiles(0, 0, 0, 0, 0), counters.holdMillis());
  }

  @Test
  void theSnapshotCountsEachEventInItsOwnField() {
    counters.granted(0);
    counters.granted(0);
    counters.rejected(RejectReason.TIMED_OUT);
    counters.rejected(RejectReason.TIMED_OUT);
    counters.rejected(RejectReason.QUEUE_FULL);
    counters.released(false);
    counters.released(true);
    counters.released(true);
    counters.revokedAsLeak();
    counters.holderDied();
    counters.holderDied();
    counters.releaseIgnored();
    counters.releaseIgnored();
    counters.releaseIgnored();
    counters.grantReclaimed();
    counters.invalidRequest();
    counters.invalidRequest();
    counters.idleDrained();
    counters.limitChanged();
    counters.limitChanged();
    counters.limitChanged();
    counters.limitChanged();

    assertEquals(new PoolStats.Counters(2, Map.of(RejectReason.TIMED_OUT, 2L, RejectReason.QUEUE_FULL, 1L), 3, 2, 1,
        1, 2, 3, 1, 2, 1, 4), counters.snapshot());
    assertEquals(2, counters.rejectedFor(RejectReason.TIMED_OUT));
    assertEquals(1, counters.rejectedFor(RejectReason.QUEUE_FULL));
    assertEquals(0, counters.rejectedFor(RejectReason.CANCELLED));
  }

  @Test
  void theSnapshotIsACopyThatLaterRejectionsDoNotChange() {
    counters.rejected(RejectReason.CANCELLED);
    PoolStats.Counters snapshot = counters.snapshot();
    counters.rejected(RejectReason.CANCELLED);
    assertEquals(Map.of(RejectReason.CANCELLED, 1L), snapshot.rejected());
    assertThrows(UnsupportedOperationException.class, () -> snapshot.rejected().put(RejectReason.QUEUE_FULL, 1L));
  }

  @Test
  void everyCountedEventReachesItsKamonSeriesInTheSameCall() {
    counters.granted(2_000_000);
    counters.rejected(RejectReason.LONG_LIVED_CAP);
    counters.revokedAsLeak();
    counters.holderDied();
    counters.limitChanged();
    assertEquals(1, counter("sluice.permits.acquired", pool));
    assertEquals(1, histogram("sluice.permits.wait.time", pool).count());
    assertEquals(1, counter("sluice.permits.rejected", pool, "reason", "LONG_LIVED_CAP"));
    assertEquals(1, counter("sluice.permits.revoked", pool));
    assertEquals(1, counter("sluice.permits.leaked", pool));
    assertEquals(1, counter("sluice.permits.holder.died", pool));
    assertEquals(1, counter("sluice.permits.limit.changes", pool));
  }

  @Test
  void waitPercentilesAreInMilliseconds() {
    for (int i = 1; i <= 10; i++) {
      counters.granted(i * 10 * US); // 10 µs .. 100 µs
    }
    assertEquals(new PoolStats.Percentiles(10, 0.05, 0.09, 0.1, 0.1), counters.waitMillis());
  }

  @Test
  void holdPercentilesAreInMillisecondsOfEachLeasesGrantToItsEnd() {
    ActiveLease lease = TestRequests.lease(1, LeaseKind.SHORT, 1_000_000, 9_000_000_000L,
        TestRequests.acquire(1, Priority.NORMAL));
    counters.held(lease, 1_000_000 + 40 * US);
    counters.held(lease, 1_000_000 + 200 * US);
    assertEquals(new PoolStats.Percentiles(2, 0.04, 0.2, 0.2, 0.2), counters.holdMillis());
  }

  @Test
  void aHoldEndingBeforeItsGrantCountsAsZero() {
    ActiveLease lease = TestRequests.lease(1, LeaseKind.SHORT, 5_000_000, 9_000_000_000L,
        TestRequests.acquire(1, Priority.NORMAL));
    counters.held(lease, 1_000_000);
    assertEquals(new PoolStats.Percentiles(1, 0, 0, 0, 0), counters.holdMillis());
  }

  @Test
  void aHoldReachesTheLeasesOwnHoldTimeSeries() {
    ActiveLease lease = new ActiveLease(TestRequests.shortLease(1, 0, 100).lease(),
        TestRequests.acquire(1, Priority.NORMAL), 0, 100, metrics.holdTime("campaign-42", "load-leads"));
    counters.held(lease, 50 * US);
    assertEquals(1, histogram("sluice.permits.hold.time", pool, "owner_kind", "campaign", "purpose", "load-leads")
        .count());
  }

  @Test
  void aNegativeWaitCountsAsZero() {
    counters.granted(-5_000);
    assertEquals(new PoolStats.Percentiles(1, 0, 0, 0, 0), counters.waitMillis());
  }

  @Test
  void aWaitLongerThanTheHistogramsHourIsRecordedAsAnHour() {
    counters.granted(Duration.ofHours(2).toNanos());
    PoolStats.Percentiles waits = counters.waitMillis();
    assertEquals(1, waits.count());
    assertEquals(Duration.ofHours(1).toMillis(), waits.max(), Duration.ofHours(1).toMillis() * 0.01);
  }
}
