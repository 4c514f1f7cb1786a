package io.sluice.orchestrator.campaign;

import io.sluice.protocols.campaign.CallWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link WindowClock} by {@link CallingWindows}: the campaign's windows clipped by the configured quiet hours. */
public final class LocalWindowClock implements WindowClock {
  private final Optional<QuietHours> quietHours;

  public LocalWindowClock(Optional<QuietHours> quietHours) {
    this.quietHours = quietHours;
  }

  @Override
  public Optional<Instant> callableFrom(Instant now, Set<ZoneId> zones, List<CallWindow> windows) {
    return CallingWindows.of(windows.stream().map(CallingWindow::of).toList(), quietHours).nextOpening(now, zones);
  }
}
