package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import kamon.Kamon;
import kamon.metric.Histogram;
import kamon.tag.Lookups;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The hold-time histogram's tags stay bounded whatever owners and purposes callers send: ids are stripped, and past
 * the cap everything shares one {@code other} series. Series are counted both by the metrics and in Kamon's registry.
 */
class HoldTimeSeriesTest {

  @Test
  void ownerKindIsTheNameBeforeItsFirstId() {
    assertEquals("campaign", IdFreeNames.strip("campaign-42"));
    assertEquals("lead", IdFreeNames.strip("lead-3f2b9c1e-8d4a-4b6f-9e2a-7c5d1f0b3a9e"));
    assertEquals("tenant", IdFreeNames.strip("tenant_17"));
    assertEquals("campaign", IdFreeNames.strip("campaign-7-retry"));
    assertEquals("scheduler", IdFreeNames.strip("scheduler"));
  }

  @Test
  void everySeparatorSplitsAndNamesWithoutIdsStayWhole() {
    assertEquals("load-leads", IdFreeNames.strip("load-leads"));
    assertEquals("send-mail", IdFreeNames.strip("send-mail:981"));
    assertEquals("export", IdFreeNames.strip("export/2024/06"));
    assertEquals("report.daily", IdFreeNames.strip("report.daily.20240601"));
    assertEquals("lead", IdFreeNames.strip("lead--42"));
  }

  @Test
  void letterOnlyHexRunsAreIdsFromEightLettersOnly() {
    assertEquals("session", IdFreeNames.strip("session-deadbeefcafebabe"));
    assertEquals("session", IdFreeNames.strip("session-abcdefab-x"));
    assertEquals("cafe-orders", IdFreeNames.strip("cafe-orders"));
    assertEquals("facade-bead", IdFreeNames.strip("facade-bead"));
    assertEquals("abcdefa-x", IdFreeNames.strip("abcdefa-x"));
  }

  @Test
  void aNameThatStartsWithAnIdHasNoKind() {
    assertEquals(IdFreeNames.UNNAMED, IdFreeNames.strip("42"));
    assertEquals(IdFreeNames.UNNAMED, IdFreeNames.strip("3f2b9c1e-8d4a-4b6f-9e2a-7c5d1f0b3a9e"));
    assertEquals(IdFreeNames.UNNAMED, IdFreeNames.strip(""));
    assertEquals(IdFreeNames.UNNAMED, IdFreeNames.strip("--"));
  }

  @Test
  void theNameCacheAnswersRepeatsWithoutRecomputingAndStaysBounded() {
    IdFreeNames names = new IdFreeNames();
    String first = names.of("campaign-42");
    assertSame(first, names.of("campaign-42"), "a name seen before is not stripped again");
    assertEquals(1, names.cached());
    for (int i = 0; i < 10 * IdFreeNames.MAX_CACHED; i++) {
      assertEquals("lead", names.of("lead-" + i));
      assertTrue(names.cached() <= IdFreeNames.MAX_CACHED, "cache size " + names.cached());
    }
  }

  @Test
  void oneHundredThousandOwnersOfThreeKindsMakeOnlyTheirRealSeries() {
    String pool = "metrics-real-kinds";
    PoolMetrics metrics = new PoolMetrics(pool);
    List<Supplier<String>> purposes = List.of(() -> "load-leads", () -> "send-mail:" + UUID.randomUUID(),
        () -> "export/" + System.nanoTime());
    for (int i = 0; i < 100_000; i++) {
      String owner = switch (i % 3) {
        case 0 -> "lead-" + UUID.randomUUID();
        case 1 -> "tenant_" + i;
        default -> "campaign-" + i + "-retry";
      };
      metrics.holdTime(owner, purposes.get(i / 3 % 3).get()).record(1_000);
    }
    assertEquals(9, metrics.holdSeries(), "3 owner kinds x 3 purposes");
    assertTrue(metrics.holdSeries() <= PoolMetrics.DEFAULT_MAX_HOLD_SERIES);
    assertEquals(9, seriesInKamon(pool));
  }

  @Test
  void kindsPastTheCapShareOneOtherSeriesAndTheFirstOverflowIsLoggedOnce() {
    String pool = "metrics-overflow";
    int cap = PoolMetrics.DEFAULT_MAX_HOLD_SERIES;
    PoolMetrics metrics = new PoolMetrics(pool, cap);
    List<Histogram> histograms = new ArrayList<>();
    List<ILoggingEvent> warnings = warningsOf(HoldTimeSeries.class, () -> {
      for (int i = 0; i < 1_000; i++) {
        histograms.add(metrics.holdTime(letterName(i) + "-" + i, "load"));
      }
    });

    assertEquals(cap + 1, metrics.holdSeries());
    assertEquals(cap + 1, seriesInKamon(pool));
    Histogram other = histograms.get(cap);
    assertNotSame(histograms.get(cap - 1), other);
    assertTrue(histograms.subList(cap, histograms.size()).stream().allMatch(histogram -> histogram == other));
    assertSame(histograms.get(0), metrics.holdTime(letterName(0) + "-7", "load"), "a kind under the cap keeps its own");
    assertEquals(1, warnings.size(), "logged once");
    String warning = warnings.get(0).getFormattedMessage();
    assertTrue(warning.contains("pool=" + pool) && warning.contains("cap=" + cap)
        && warning.contains("owner=" + letterName(cap) + "-" + cap) && warning.contains("purpose=load"), warning);
  }

  @Test
  void aRealOtherPairUnderTheCapIsTheSameSeriesAsTheOverflow() {
    PoolMetrics metrics = new PoolMetrics("metrics-real-other", 2);
    Histogram realOther = metrics.holdTime("other", "other");
    metrics.holdTime("scheduler", "tick");
    assertSame(realOther, metrics.holdTime("importer", "load"));
    assertEquals(2, metrics.holdSeries());
  }

  @Test
  void aCapOfOneIsTheLeastAllowed() {
    assertThrows(IllegalArgumentException.class, () -> new PoolMetrics("metrics-no-cap", 0));
    PoolMetrics metrics = new PoolMetrics("metrics-cap-one", 1);
    assertNotSame(metrics.holdTime("scheduler", "tick"), metrics.holdTime("importer", "load"));
    assertEquals(2, metrics.holdSeries());
  }

  /** A distinct digit-free name per index: a, b, …, z, ba, bb, … */
  private static String letterName(int index) {
    StringBuilder name = new StringBuilder();
    int rest = index;
    do {
      name.insert(0, (char) ('a' + rest % 26));
      rest /= 26;
    } while (rest > 0);
    return "kind" + name;
  }

  private static long seriesInKamon(String pool) {
    return CollectionConverters.asJava(Kamon.status().metricRegistry().metrics()).stream()
        .filter(metric -> metric.name().equals("sluice.permits.hold.time"))
        .flatMap(metric -> CollectionConverters.asJava(metric.instruments()).stream())
        .filter(instrument -> pool.equals(instrument.tags().get(Lookups.plain("pool"))))
        .count();
  }

  private static List<ILoggingEvent> warningsOf(Class<?> source, Runnable action) {
    Logger logger = (Logger) LoggerFactory.getLogger(source);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      action.run();
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
  }
}
