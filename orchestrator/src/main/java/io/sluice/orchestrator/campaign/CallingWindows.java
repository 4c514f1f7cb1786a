package io.sluice.orchestrator.campaign;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a lead may be called: the campaign's windows, each clipped to the quiet hours, evaluated in the lead's local
 * time. A lead whose number maps to several zones is callable only while a window is open in every one of them, so
 * nobody is called outside the allowed hours wherever they really are.
 *
 * <p>Everything is local wall-clock time, so daylight saving needs no special case in {@link #isOpen}: on the day
 * clocks go forward, a window starting inside the skipped hour opens at the transition; on the day they go back, the
 * repeated hour is open both times it occurs.
 *
 * <p>{@link #nextOpening} relies on the open set being a union of intersections of half-open local intervals: its
 * earliest instant at or after {@code from} is either {@code from} itself or the start of some zone's window. It
 * therefore tests only those candidate instants, in order, day by day (so the usual answer, within a day or two, costs
 * little), looking {@link #HORIZON_DAYS} days ahead: far enough to see every weekday and every daylight-saving offset
 * of the year, which is when zones drift into or out of overlap. Zones with identical rules are evaluated once.
 */
public final class CallingWindows {
  /** How far ahead {@link #nextOpening} looks before concluding the windows never open. */
  public static final int HORIZON_DAYS = 370;

  private final List<CallingWindow> windows;

  private CallingWindows(List<CallingWindow> windows) {
    this.windows = List.copyOf(windows);
  }

  /**
   * The windows clipped to the quiet hours (when present); windows that lie entirely outside them are dropped.
   *
   * @throws IllegalArgumentException when no window is given
   */
  public static CallingWindows of(List<CallingWindow> windows, Optional<QuietHours> quietHours) {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("at least one calling window is needed");
    }
    List<CallingWindow> effective = new ArrayList<>();
    for (CallingWindow window : windows) {
      CallingWindow clipped = quietHours.isPresent()
          ? window.clip(quietHours.get().start(), quietHours.get().end()) : window;
      if (clipped != null) {
        effective.add(clipped);
      }
    }
    return new CallingWindows(effective);
  }

  /** The windows as they apply, after clipping; empty when every window fell in quiet hours. */
  public List<CallingWindow> effective() {
    return windows;
  }

  /** Whether a lead in all of {@code zones} may be called at {@code at}. */
  public boolean isOpen(Instant at, Set<ZoneId> zones) {
    requireZones(zones);
    return isOpen(at, List.copyOf(zones));
  }

  /**
   * The first instant at or after {@code from} at which {@link #isOpen} holds, or empty when it never does within
   * {@link #HORIZON_DAYS} days (for example zones too far apart for their windows to overlap).
   */
  public Optional<Instant> nextOpening(Instant from, Set<ZoneId> zones) {
    requireZones(zones);
    List<ZoneId> distinct = distinctRules(zones);
    if (isOpen(from, distinct)) {
      return Optional.of(from);
    }
    // Day k of a zone is its local date of `from`, minus one, plus k: its starts lie after from + (k - 2) days minus
    // at most two hours of daylight saving (a 25-hour day, and one transition in between). So once the days up to k
    // are generated, candidates before from + (k - 1) days - 3h can come from no later day: they are tested in order
    // before more are generated.
    TreeSet<Instant> candidates = new TreeSet<>();
    for (int day = 0; day <= HORIZON_DAYS; day++) {
      for (ZoneId zone : distinct) {
        LocalDate date = from.atZone(zone).toLocalDate().minusDays(1).plusDays(day);
        for (CallingWindow window : windows) {
          if (window.days().contains(date.getDayOfWeek())) {
            addStarts(LocalDateTime.of(date, window.start()), zone, from, candidates);
          }
        }
      }
      Instant settled = day == HORIZON_DAYS ? Instant.MAX : from.plus(Duration.ofDays(day - 1L).minusHours(3));
      while (!candidates.isEmpty() && candidates.first().isBefore(settled)) {
        Instant candidate = candidates.pollFirst();
        if (isOpen(candidate, distinct)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private boolean isOpen(Instant at, List<ZoneId> zones) {
    for (ZoneId zone : zones) {
      if (!isOpenIn(at, zone)) {
        return false;
      }
    }
    return true;
  }

  /** One zone per distinct set of rules: a number mapping to a whole country names many zones that keep one time. */
  private static List<ZoneId> distinctRules(Set<ZoneId> zones) {
    Map<ZoneRules, ZoneId> byRules = new LinkedHashMap<>();
    for (ZoneId zone : zones) {
      byRules.putIfAbsent(zone.getRules(), zone);
    }
    return new ArrayList<>(byRules.values());
  }

  private boolean isOpenIn(Instant at, ZoneId zone) {
    ZonedDateTime local = at.atZone(zone);
    for (CallingWindow window : windows) {
      if (window.contains(local.getDayOfWeek(), local.toLocalTime())) {
        return true;
      }
    }
    return false;
  }

  /** The instants at which local time {@code start} begins in {@code zone}, from {@code from} on. */
  private static void addStarts(LocalDateTime start, ZoneId zone, Instant from, TreeSet<Instant> candidates) {
    List<Instant> instants = new ArrayList<>(2);
    ZoneOffsetTransition transition = zone.getRules().getTransition(start);
    if (transition != null && transition.isGap()) {
      // The local start time is skipped: the window opens when the clocks jump over it.
      instants.add(transition.getInstant());
    } else {
      ZonedDateTime zoned = ZonedDateTime.of(start, zone);
      // In an overlap the start occurs twice, and the window opens again at the second occurrence.
      instants.add(zoned.withEarlierOffsetAtOverlap().toInstant());
      instants.add(zoned.withLaterOffsetAtOverlap().toInstant());
    }
    for (Instant instant : instants) {
      if (instant.isAfter(from)) {
        candidates.add(instant);
      }
    }
  }

  private static void requireZones(Set<ZoneId> zones) {
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("a lead has at least one zone");
    }
  }
}
