package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Windows evaluated at fixed instants; 2026-03-02 is a Monday, and US clocks change on 2026-03-08 and 2026-11-01. */
class CallingWindowsTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");
  private static final Optional<QuietHours> TCPA =
      Optional.of(new QuietHours(LocalTime.of(8, 0), LocalTime.of(21, 0)));
  private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

  private static CallingWindow window(Set<DayOfWeek> days, String start, String end) {
    return new CallingWindow(days, LocalTime.parse(start), LocalTime.parse(end));
  }

  private static Instant at(String instant) {
    return Instant.parse(instant);
  }

  @Test
  void aWindowOpensInTheLeadsLocalTimeAndNextOpeningSkipsTheWeekend() {
    CallingWindows windows = CallingWindows.of(List.of(window(WEEKDAYS, "09:00", "17:00")), TCPA);
    Set<ZoneId> ny = Set.of(NEW_YORK);
    assertFalse(windows.isOpen(at("2026-03-02T13:59:59Z"), ny));
    assertTrue(windows.isOpen(at("2026-03-02T14:00:00Z"), ny), "09:00 EST");
    assertTrue(windows.isOpen(at("2026-03-02T21:59:59Z"), ny));
    assertFalse(windows.isOpen(at("2026-03-02T22:00:00Z"), ny), "the end is exclusive");
    assertEquals(Optional.of(at("2026-03-02T15:00:00Z")), windows.nextOpening(at("2026-03-02T15:00:00Z"), ny),
        "already open: now");
    assertEquals(Optional.of(at("2026-03-09T13:00:00Z")), windows.nextOpening(at("2026-03-06T22:00:00Z"), ny),
        "Friday after hours: Monday 09:00, which is EDT by then");
  }

  @Test
  void quietHoursClipEveryWindowUnlessExplicitlyRelaxed() {
    List<CallingWindow> early = List.of(window(EnumSet.allOf(DayOfWeek.class), "06:00", "23:00"));
    Set<ZoneId> ny = Set.of(NEW_YORK);
    CallingWindows clipped = CallingWindows.of(early, TCPA);
    assertEquals(List.of(window(EnumSet.allOf(DayOfWeek.class), "08:00", "21:00")), clipped.effective());
    assertFalse(clipped.isOpen(at("2026-03-02T12:59:00Z"), ny), "07:59 local");
    assertTrue(clipped.isOpen(at("2026-03-02T13:00:00Z"), ny), "08:00 local");
    assertFalse(clipped.isOpen(at("2026-03-03T02:00:00Z"), ny), "21:00 local");
    assertEquals(Optional.of(at("2026-03-02T13:00:00Z")), clipped.nextOpening(at("2026-03-02T11:00:00Z"), ny));

    CallingWindows relaxed = CallingWindows.of(early, Optional.empty());
    assertTrue(relaxed.isOpen(at("2026-03-02T12:59:00Z"), ny));
    assertTrue(relaxed.isOpen(at("2026-03-03T02:00:00Z"), ny));

    CallingWindows night = CallingWindows.of(List.of(window(WEEKDAYS, "21:30", "23:00")), TCPA);
    assertEquals(List.of(), night.effective(), "a window entirely in quiet hours is gone");
    assertEquals(Optional.empty(), night.nextOpening(at("2026-03-02T12:00:00Z"), ny));
  }

  @Test
  void aWindowStartingInTheSkippedHourOpensWhenTheClocksJump() {
    // 2026-03-08 02:00 EST becomes 03:00 EDT (07:00Z).
    CallingWindows windows = CallingWindows.of(List.of(window(EnumSet.of(DayOfWeek.SUNDAY), "02:30", "05:00")),
        Optional.empty());
    Set<ZoneId> ny = Set.of(NEW_YORK);
    assertEquals(Optional.of(at("2026-03-08T07:00:00Z")), windows.nextOpening(at("2026-03-07T12:00:00Z"), ny));
    assertFalse(windows.isOpen(at("2026-03-08T06:59:59Z"), ny), "01:59 EST");
    assertTrue(windows.isOpen(at("2026-03-08T07:00:00Z"), ny), "03:00 EDT");
    assertFalse(windows.isOpen(at("2026-03-08T09:00:00Z"), ny), "05:00 EDT, an hour earlier in UTC than in winter");

    CallingWindows daytime = CallingWindows.of(List.of(window(EnumSet.of(DayOfWeek.SUNDAY), "09:00", "17:00")), TCPA);
    assertEquals(Optional.of(at("2026-03-08T13:00:00Z")), daytime.nextOpening(at("2026-03-07T23:00:00Z"), ny),
        "09:00 EDT on the day the clocks change");
  }

  @Test
  void theRepeatedHourIsOpenBothTimes() {
    // 2026-11-01 02:00 EDT becomes 01:00 EST: 01:00-02:00 local happens at 05:00Z and again at 06:00Z.
    CallingWindows windows = CallingWindows.of(List.of(window(EnumSet.of(DayOfWeek.SUNDAY), "01:00", "01:30")),
        Optional.empty());
    Set<ZoneId> ny = Set.of(NEW_YORK);
    assertEquals(Optional.of(at("2026-11-01T05:00:00Z")), windows.nextOpening(at("2026-10-31T12:00:00Z"), ny));
    assertFalse(windows.isOpen(at("2026-11-01T05:45:00Z"), ny), "01:45 EDT");
    assertEquals(Optional.of(at("2026-11-01T06:00:00Z")), windows.nextOpening(at("2026-11-01T05:45:00Z"), ny),
        "01:00 EST, the second time");
    assertFalse(windows.isOpen(at("2026-11-01T06:30:00Z"), ny));
  }

  @Test
  void severalZonesAreCallableOnlyWhereAllWindowsOverlap() {
    CallingWindows windows = CallingWindows.of(List.of(window(WEEKDAYS, "09:00", "17:00")), TCPA);
    Set<ZoneId> both = Set.of(NEW_YORK, LOS_ANGELES);
    // New York 09:00-17:00 EST is 14:00-22:00Z, Los Angeles 09:00-17:00 PST is 17:00-01:00Z.
    assertTrue(windows.isOpen(at("2026-03-02T15:00:00Z"), Set.of(NEW_YORK)));
    assertFalse(windows.isOpen(at("2026-03-02T15:00:00Z"), both));
    assertEquals(Optional.of(at("2026-03-02T17:00:00Z")), windows.nextOpening(at("2026-03-02T14:00:00Z"), both));
    assertTrue(windows.isOpen(at("2026-03-02T21:59:00Z"), both));
    assertFalse(windows.isOpen(at("2026-03-02T22:00:00Z"), both));
  }

  @Test
  void anOverlapAcrossMidnightAndDifferentLocalDaysIsFound() {
    // Auckland (+13 in March) is a day ahead of Honolulu (-10): Tuesday 08:00 in Auckland is Monday 19:00Z, while
    // Monday 08:00-21:00 in Honolulu is 18:00Z-07:00Z the next day.
    CallingWindows windows = CallingWindows.of(List.of(window(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY),
        "08:00", "21:00")), TCPA);
    Set<ZoneId> zones = Set.of(ZoneId.of("Pacific/Auckland"), ZoneId.of("Pacific/Honolulu"));
    assertEquals(Optional.of(at("2026-03-02T19:00:00Z")), windows.nextOpening(at("2026-03-02T00:00:00Z"), zones));
    assertTrue(windows.isOpen(at("2026-03-03T06:59:00Z"), zones), "past UTC midnight, still Monday in Honolulu");
    assertFalse(windows.isOpen(at("2026-03-03T07:00:00Z"), zones));
    assertEquals(Optional.of(at("2026-03-09T19:00:00Z")), windows.nextOpening(at("2026-03-03T07:00:00Z"), zones));
  }

  @Test
  void zonesTooFarApartNeverOpen() {
    // London, Shanghai and Los Angeles are 8 hours apart around the clock: any instant is outside 08:00-21:00 in
    // one of them, in winter and summer alike.
    CallingWindows windows = CallingWindows.of(List.of(window(EnumSet.allOf(DayOfWeek.class), "00:00", "23:59")),
        TCPA);
    Set<ZoneId> zones = Set.of(ZoneId.of("Europe/London"), ZoneId.of("Asia/Shanghai"), LOS_ANGELES);
    assertEquals(Optional.empty(), windows.nextOpening(at("2026-03-02T00:00:00Z"), zones));
    assertTrue(windows.nextOpening(at("2026-03-02T00:00:00Z"), Set.of(ZoneId.of("Europe/London"), LOS_ANGELES))
        .isPresent(), "any two of them do overlap");
  }

  @Test
  void aTollFreeNumbersManyZonesGiveTheirCommonHours() {
    // A US toll-free number may ring anywhere from Guam (+10, that is -14 a day earlier) to St. John's (-3:30): in
    // March it is 08:00-21:00 everywhere only from 22:00Z (08:00 in Guam) to 00:30Z (21:00 in St. John's).
    List<FieldError> errors = new ArrayList<>();
    Set<ZoneId> zones = new HashSet<>(LeadValidator.validate("Help desk", "+18005550199", null, Map.of(), "", null,
        errors).orElseThrow().zones());
    CallingWindows windows = CallingWindows.of(List.of(window(EnumSet.allOf(DayOfWeek.class), "00:00", "23:59")),
        TCPA);
    assertEquals(Optional.of(at("2026-03-02T22:00:00Z")), windows.nextOpening(at("2026-03-02T01:00:00Z"), zones));
    assertTrue(windows.isOpen(at("2026-03-03T00:29:59Z"), zones));
    assertFalse(windows.isOpen(at("2026-03-03T00:30:00Z"), zones));
    // Weekday business hours never overlap across that spread: Guam's Monday is Sunday in American Samoa.
    CallingWindows business = CallingWindows.of(List.of(window(WEEKDAYS, "09:00", "17:00")), TCPA);
    long started = System.nanoTime();
    assertEquals(Optional.empty(), business.nextOpening(at("2026-03-02T01:00:00Z"), zones));
    assertTrue(System.nanoTime() - started < 2_000_000_000L, "a year of candidates for 42 zones is scanned quickly");
  }

  @Test
  void windowsMustEndAfterTheyStart() {
    assertThrows(IllegalArgumentException.class, () -> window(WEEKDAYS, "17:00", "09:00"));
    assertThrows(IllegalArgumentException.class, () -> window(WEEKDAYS, "09:00", "09:00"));
    assertThrows(IllegalArgumentException.class, () -> window(EnumSet.noneOf(DayOfWeek.class), "09:00", "10:00"));
    assertThrows(IllegalArgumentException.class, () -> CallingWindows.of(List.of(), TCPA));
    assertThrows(IllegalArgumentException.class,
        () -> CallingWindows.of(List.of(window(WEEKDAYS, "09:00", "10:00")), TCPA).isOpen(Instant.EPOCH, Set.of()));
  }
}
