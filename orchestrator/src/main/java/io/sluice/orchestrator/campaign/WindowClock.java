package io.sluice.orchestrator.campaign;

import io.sluice.protocols.campaign.CallWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** When a lead may be called: its campaign's windows in each of its zones, clipped by quiet hours. */
public interface WindowClock {

  /**
   * {@code now} when the windows are open in every zone at {@code now}, else the next instant they are; empty when
   * they never are together (zones too far apart for any window).
   */
  Optional<Instant> callableFrom(Instant now, Set<ZoneId> zones, List<CallWindow> windows);
}
