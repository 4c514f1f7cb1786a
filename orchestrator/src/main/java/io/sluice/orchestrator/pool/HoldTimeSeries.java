package io.sluice.orchestrator.pool;

import java.util.HashMap;
import java.util.Map;
import kamon.Kamon;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's {@code sluice.permits.hold.time} histograms, tagged {@code owner_kind} and {@code purpose}, with the
 * number of series bounded by construction. Both tags go through {@link IdFreeNames}, which removes the ids callers
 * put in owners and purposes; that cannot recognise every id (a random word-like token looks like a name), so on top
 * of it at most {@code maxSeries} distinct (owner kind, purpose) pairs get their own series and every pair after them
 * shares one {@code owner_kind=other, purpose=other} series. The first overflow is logged once at WARN so the cap is
 * noticed: a cap that is hit means a caller puts ids in its names, or the cap is too small.
 *
 * <p>Not thread-safe: owned by one supervisor actor.
 */
final class HoldTimeSeries {
  static final String OTHER = "other";
  private static final Logger log = LoggerFactory.getLogger(HoldTimeSeries.class);

  private final String pool;
  private final int maxSeries;
  private final IdFreeNames names = new IdFreeNames();
  /** By owner kind, then purpose: a lookup needs no key object built from the two. */
  private final Map<String, Map<String, Histogram>> series = new HashMap<>();
  private int created;
  private boolean overflowReported;

  HoldTimeSeries(String pool, int maxSeries) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries must be at least 1 but is " + maxSeries);
    }
    this.pool = pool;
    this.maxSeries = maxSeries;
  }

  Histogram of(String owner, String purpose) {
    String ownerKind = names.of(owner);
    String purposeName = names.of(purpose);
    Histogram histogram = find(ownerKind, purposeName);
    return histogram != null ? histogram : create(ownerKind, purposeName, owner, purpose);
  }

  /** Distinct tag sets created so far: at most {@code maxSeries + 1} (the {@code other} series). */
  int count() {
    return created;
  }

  private Histogram find(String ownerKind, String purpose) {
    Map<String, Histogram> byPurpose = series.get(ownerKind);
    return byPurpose == null ? null : byPurpose.get(purpose);
  }

  private Histogram create(String ownerKind, String purpose, String rawOwner, String rawPurpose) {
    if (created < maxSeries) {
      return register(ownerKind, purpose);
    }
    if (!overflowReported) {
      overflowReported = true;
      log.warn("hold-time series cap reached: pool={} cap={} first overflowing owner={} purpose={} (owner_kind={}"
              + " purpose={}); this and every further new pair is counted under owner_kind=other purpose=other",
          pool, maxSeries, rawOwner, rawPurpose, ownerKind, purpose);
    }
    Histogram other = find(OTHER, OTHER);
    return other != null ? other : register(OTHER, OTHER);
  }

  private Histogram register(String ownerKind, String purpose) {
    Histogram histogram = Kamon.histogram("sluice.permits.hold.time", "time from grant to release",
            MeasurementUnit.time().nanoseconds())
        .withTags(TagSet.from(Map.of("pool", pool, "owner_kind", ownerKind, "purpose", purpose)));
    series.computeIfAbsent(ownerKind, key -> new HashMap<>()).put(purpose, histogram);
    created++;
    return histogram;
  }
}
