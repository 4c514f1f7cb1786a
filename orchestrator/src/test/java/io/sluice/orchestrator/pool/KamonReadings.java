package io.sluice.orchestrator.pool;

import kamon.Kamon;
import kamon.metric.Distribution;
import kamon.metric.Instrument;
import kamon.tag.TagSet;

/** Reads the current value of a pool's Kamon series (the registry's own instrument, snapshot without reset). */
final class KamonReadings {
  private KamonReadings() {}

  private static TagSet tags(String pool, String... more) {
    TagSet tags = TagSet.of("pool", pool);
    for (int i = 0; i < more.length; i += 2) {
      tags = tags.withTag(more[i], more[i + 1]);
    }
    return tags;
  }

  static long counter(String name, String pool, String... tags) {
    return (Long) snapshot(Kamon.counter(name).withTags(tags(pool, tags)));
  }

  static double gauge(String name, String pool, String... tags) {
    return (Double) snapshot(Kamon.gauge(name).withTags(tags(pool, tags)));
  }

  static Distribution histogram(String name, String pool, String... tags) {
    return (Distribution) snapshot(Kamon.histogram(name).withTags(tags(pool, tags)));
  }

  static Distribution distribution(kamon.metric.Histogram histogram) {
    return (Distribution) snapshot(histogram);
  }

  private static Object snapshot(Object instrument) {
    return ((Instrument.Snapshotting<?>) instrument).snapshot(false);
  }

}
