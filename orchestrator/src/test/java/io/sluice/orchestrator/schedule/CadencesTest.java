package io.sluice.orchestrator.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocols.schedule.Cadence;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Due times of both cadences, across Europe/Paris' daylight-saving changes of 2026 (29 March, 25 October). */
class CadencesTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static List<ZonedDateTime> next(Cadence cadence, ZonedDateTime from, int count) {
    List<ZonedDateTime> times = new ArrayList<>();
    Instant at = from.toInstant();
    for (int i = 0; i < count; i++) {
      at = Cadences.of(cadence).nextAfter(from.toInstant(), at).orElseThrow();
      times.add(at.atZone(PARIS));
    }
    return times;
  }

  @Test
  void aWallClockTimeKeepsItsLocalHourAcrossTheChangeInBothDirections() {
    Cadence nineDaily = new Cadence.Cron("0 9 * * *", PARIS);
    List<ZonedDateTime> spring = next(nineDaily, ZonedDateTime.of(2026, 3, 28, 10, 0, 0, 0, PARIS), 2);
    assertEquals(List.of(ZonedDateTime.of(2026, 3, 29, 9, 0, 0, 0, PARIS),
        ZonedDateTime.of(2026, 3, 30, 9, 0, 0, 0, PARIS)), spring);
    assertEquals(Duration.ofHours(23), Duration.between(
        ZonedDateTime.of(2026, 3, 28, 9, 0, 0, 0, PARIS), spring.get(0)));
    List<ZonedDateTime> autumn = next(nineDaily, ZonedDateTime.of(2026, 10, 24, 10, 0, 0, 0, PARIS), 1);
    assertEquals(List.of(ZonedDateTime.of(2026, 10, 25, 9, 0, 0, 0, PARIS)), autumn);
    assertEquals(Duration.ofHours(25), Duration.between(
        ZonedDateTime.of(2026, 10, 24, 9, 0, 0, 0, PARIS), autumn.get(0)));
  }

  @Test
  void aTimeInTheSpringGapIsNotFiredThatDay() {
    Cadence halfPastTwo = new Cadence.Cron("30 2 * * *", PARIS);
    List<ZonedDateTime> times = next(halfPastTwo, ZonedDateTime.of(2026, 3, 28, 3, 0, 0, 0, PARIS), 1);
    assertEquals(List.of(ZonedDateTime.of(2026, 3, 30, 2, 30, 0, 0, PARIS)), times);
  }

  @Test
  void aTimeThatHappensTwiceInTheAutumnIsFiredOnce() {
    Cadence halfPastTwo = new Cadence.Cron("30 2 * * *", PARIS);
    List<ZonedDateTime> times = next(halfPastTwo, ZonedDateTime.of(2026, 10, 24, 3, 0, 0, 0, PARIS), 2);
    assertEquals(ZonedDateTime.of(2026, 10, 25, 2, 30, 0, 0, PARIS).toLocalDateTime(),
        times.get(0).toLocalDateTime());
    assertEquals(ZonedDateTime.of(2026, 10, 26, 2, 30, 0, 0, PARIS), times.get(1));
    Cadence everyQuarter = new Cadence.Cron("*/15 * * * *", PARIS);
    List<ZonedDateTime> quarters = next(everyQuarter, ZonedDateTime.of(2026, 10, 25, 1, 50, 0, 0, PARIS), 12);
    long distinctLocal = quarters.stream().map(ZonedDateTime::toLocalDateTime).distinct().count();
    assertEquals(quarters.size(), distinctLocal, "a local time fired twice: " + quarters);
  }

  @Test
  void anIntervalCountsFromItsAnchorWhateverTheWallClockDoes() {
    Instant anchor = ZonedDateTime.of(2026, 3, 29, 1, 0, 0, 0, PARIS).toInstant();
    Cadence hourly = new Cadence.Every(Duration.ofHours(1));
    assertEquals(anchor.plus(Duration.ofHours(3)),
        Cadences.of(hourly).nextAfter(anchor, anchor.plus(Duration.ofMinutes(150))).orElseThrow());
    assertEquals(anchor, Cadences.of(hourly).nextAfter(anchor, anchor.minusSeconds(1)).orElseThrow());
  }

  @Test
  void theLatestDueTimeAndTheMissedCountOfAnOutage() {
    Instant first = Instant.parse("2026-01-01T00:00:00Z");
    Cadence minutely = new Cadence.Every(Duration.ofMinutes(1));
    Instant now = first.plus(Duration.ofMinutes(10)).plusSeconds(30);
    Instant latest = Cadences.of(minutely).latestUpTo(first, now);
    assertEquals(first.plus(Duration.ofMinutes(10)), latest);
    assertEquals(9, Cadences.of(minutely).between(first, latest, 1000));
    Cadence cron = new Cadence.Cron("* * * * *", ZoneId.of("UTC"));
    assertEquals(latest, Cadences.of(cron).latestUpTo(first, now));
    assertEquals(9, Cadences.of(cron).between(first, latest, 1000));
  }

  @Test
  void malformedCronIsRefusedWithAReason() {
    assertThrows(IllegalArgumentException.class, () -> Cadences.validateCron("61 * * * *"));
    assertThrows(IllegalArgumentException.class, () -> Cadences.validateCron("* * *"));
    assertThrows(IllegalArgumentException.class, () -> Cadences.validateCron("0 0 * * MON-"));
    Cadences.validateCron("0 9 * * MON-FRI");
  }
}
