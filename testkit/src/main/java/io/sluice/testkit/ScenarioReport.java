package io.sluice.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scenario run produced.
 *
 * @param goodput completed tasks per second of virtual time
 * @param idealGoodput what the bottleneck allows (for the pool: limit ÷ work time); 0 when not meaningful
 * @param errors failed tasks by reason (TIMED_OUT, QUEUE_FULL, CONNECTION_TIMEOUT, QUERY_FAILED, REVOKED, ...)
 * @param maxConnections the most connections the database saw open at once
 * @param maxOpeningAtOnce the most connections being opened at the same moment
 * @param limitTrace the permit limit over time, one entry per change
 */
public record ScenarioReport(
    String scenario,
    String gate,
    double seconds,
    long started,
    long completed,
    Map<String, Long> errors,
    double goodput,
    double idealGoodput,
    double waitP50Millis,
    double waitP99Millis,
    double holdP99Millis,
    int maxConnections,
    int maxOpeningAtOnce,
    List<LimitPoint> limitTrace) {

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  public double goodputRatio() {
    return idealGoodput <= 0 ? 0 : goodput / idealGoodput;
  }

  /** The limit from {@code atMillis} (virtual) on. */
  public record LimitPoint(long atMillis, int limit) {}

  /** The limit in force at {@code atMillis}. */
  public int limitAt(long atMillis) {
    int limit = limitTrace.isEmpty() ? 0 : limitTrace.get(0).limit();
    for (LimitPoint point : limitTrace) {
      if (point.atMillis() > atMillis) {
        break;
      }
      limit = point.limit();
    }
    return limit;
  }

  /** The time of the last limit change within [fromMillis, toMillis), or fromMillis if none. */
  public long lastLimitChangeBetween(long fromMillis, long toMillis) {
    long last = fromMillis;
    for (LimitPoint point : limitTrace) {
      if (point.atMillis() >= fromMillis && point.atMillis() < toMillis) {
        last = point.atMillis();
      }
    }
    return last;
  }

  /** A printable report. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "%s [%s]%n", scenario, gate));
    text.append(String.format(Locale.ROOT,
        "  %.1f s virtual: %d tasks started, %d completed, %d errors %s%n", seconds, started, completed,
        errorCount(), new TreeMap<>(errors)));
    text.append(String.format(Locale.ROOT, "  goodput %.1f/s", goodput));
    if (idealGoodput > 0) {
      text.append(String.format(Locale.ROOT, " of ideal %.1f/s = %.3f", idealGoodput, goodputRatio()));
    }
    text.append(String.format(Locale.ROOT, "%n  wait p50 %.1f ms, p99 %.1f ms; hold p99 %.1f ms%n", waitP50Millis,
        waitP99Millis, holdP99Millis));
    text.append(String.format(Locale.ROOT, "  max connections %d, max opening at once %d%n", maxConnections,
        maxOpeningAtOnce));
    text.append("  limit trace (ms:limit):");
    int shown = 0;
    for (LimitPoint point : limitTrace) {
      if (shown++ == 40) {
        text.append(" ...");
        break;
      }
      text.append(' ').append(point.atMillis()).append(':').append(point.limit());
    }
    return text.append(System.lineSeparator()).toString();
  }
}
