package io.sluice.orchestrator.pool;

import static io.sluice.orchestrator.pool.KamonReadings.counter;
import static io.sluice.orchestrator.pool.KamonReadings.gauge;
import static io.sluice.orchestrator.pool.KamonReadings.histogram;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.RejectReason;
import java.util.UUID;
import kamon.metric.Histogram;
import org.junit.jupiter.api.Test;

/** Which Kamon series each supervisor event moves, with the pool's tags, and the owner kind of a hold-time series. */
class PoolMetricsTest {
  private final String pool = "pool-" + UUID.randomUUID();
  private final PoolMetrics metrics = new PoolMetrics(pool);

  @Test
  void aGrantCountsAndRecordsItsWait() {
    metrics.granted(3_000_000);
    metrics.granted(5_000_000);
    assertEquals(2, counter("sluice.permits.acquired", pool));
    assertEquals(2, histogram("sluice.permits.wait.time", pool).count());
  }

  @Test
  void rejectionsAreCountedByReason() {
    metrics.rejected(RejectReason.TIMED_OUT);
    metrics.rejected(RejectReason.TIMED_OUT);
    metrics.rejected(RejectReason.QUEUE_FULL);
    assertEquals(2, counter("sluice.permits.rejected", pool, "reason", "TIMED_OUT"));
    assertEquals(1, counter("sluice.permits.rejected", pool, "reason", "QUEUE_FULL"));
    assertEquals(0, counter("sluice.permits.rejected", pool, "reason", "CANCELLED"));
  }

  @Test
  void aLeakRevocationCountsAsRevokedAndLeaked() {
    metrics.revokedAsLeak();
    assertEquals(1, counter("sluice.permits.revoked", pool));
    assertEquals(1, counter("sluice.permits.leaked", pool));
  }

  @Test
  void holderDeathsAndLimitChangesAreCounted() {
    metrics.holderDied();
    metrics.limitChanged();
    metrics.limitChanged();
    assertEquals(1, counter("sluice.permits.holder.died", pool));
    assertEquals(2, counter("sluice.permits.limit.changes", pool));
  }

  @Test
  void theStateGaugesSplitGrantedByKindAndShowTheOldestWaitInSeconds() {
    metrics.state(8, 5, 2, 4, 1_500_000_000L);
    assertEquals(8.0, gauge("sluice.permits.limit", pool));
    assertEquals(3.0, gauge("sluice.permits.granted", pool, "kind", "short"));
    assertEquals(2.0, gauge("sluice.permits.granted", pool, "kind", "long-lived"));
    assertEquals(4.0, gauge("sluice.permits.waiting", pool));
    assertEquals(1.5, gauge("sluice.permits.oldest.wait", pool), 1e-9);
  }

  @Test
  void thePhysicalGaugesShowTheConnectionsByState() {
    metrics.physical(new PoolStats.Physical(10, 3, 4, 7));
    assertEquals(3.0, gauge("sluice.connections", pool, "state", "active"));
    assertEquals(4.0, gauge("sluice.connections", pool, "state", "idle"));
    assertEquals(7.0, gauge("sluice.connections", pool, "state", "total"));
  }

  @Test
  void holdTimesGoToOneSeriesPerPurposeAndOwnerKind() {
    Histogram campaign42 = metrics.holdTime("campaign-42", "load-leads");
    assertSame(campaign42, metrics.holdTime("campaign-7", "load-leads"), "the same owner kind and purpose");
    assertNotSame(campaign42, metrics.holdTime("importer-1", "load-leads"));
    assertNotSame(campaign42, metrics.holdTime("campaign-42", "save-leads"));

    campaign42.record(1_000);
    metrics.holdTime("campaign-9", "load-leads").record(2_000);
    assertEquals(2, histogram("sluice.permits.hold.time", pool, "owner_kind", "campaign", "purpose", "load-leads")
        .count());
    assertEquals(0, histogram("sluice.permits.hold.time", pool, "owner_kind", "importer", "purpose", "load-leads")
        .count());
  }
}
