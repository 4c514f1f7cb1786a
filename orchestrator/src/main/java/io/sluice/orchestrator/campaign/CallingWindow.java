package io.sluice.orchestrator.campaign;

import io.sluice.protocols.campaign.CallWindow;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * Hours on given days of the week, in the lead's local time: open from {@code start} inclusive to {@code end}
 * exclusive. A window lies within one local day ({@code end} after {@code start}); overnight windows are not
 * supported: under the default quiet hours (08:00–21:00) they could never be open past midnight anyway, and where
 * quiet hours are relaxed, an overnight span is two windows (evening of one day, morning of the next).
 */
public record CallingWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {
  public CallingWindow {
    if (days.isEmpty()) {
      throw new IllegalArgumentException("a calling window needs at least one day");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("a calling window must end after it starts: " + start + "-" + end);
    }
    days = Set.copyOf(EnumSet.copyOf(days));
  }

  /** Whether the window is open at this local day and time. */
  boolean contains(DayOfWeek day, LocalTime time) {
    return days.contains(day) && !time.isBefore(start) && time.isBefore(end);
  }

  /** This window clipped to [from, to), or null when nothing of it is left. */
  CallingWindow clip(LocalTime from, LocalTime to) {
    LocalTime clippedStart = start.isAfter(from) ? start : from;
    LocalTime clippedEnd = end.isBefore(to) ? end : to;
    return clippedEnd.isAfter(clippedStart) ? new CallingWindow(days, clippedStart, clippedEnd) : null;
  }

  /** A window as the campaign's journaled terms hold it. */
  public static CallingWindow of(CallWindow window) {
    return new CallingWindow(window.days(), window.start(), window.end());
  }

  /** This window as the campaign's journaled terms hold it. */
  public CallWindow asTerms() {
    return new CallWindow(days, start, end);
  }
}
