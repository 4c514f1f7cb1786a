package io.sluice.orchestrator.campaign;

import io.sluice.config.CampaignSettings;
import java.time.LocalTime;
import java.util.Optional;

/**
 * The hours of the recipient's local day in which calls are allowed at all (US TCPA: 08:00 to 21:00); every calling
 * window is clipped to them.
 */
public record QuietHours(LocalTime start, LocalTime end) {
  public QuietHours {
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("quiet hours must end after they start: " + start + "-" + end);
    }
  }

  /** The configured hours, or empty when {@code sluice.campaigns.quiet-hours.enforced} was explicitly turned off. */
  public static Optional<QuietHours> from(CampaignSettings settings) {
    return settings.quietHoursEnforced()
        ? Optional.of(new QuietHours(settings.quietHoursStart(), settings.quietHoursEnd()))
        : Optional.empty();
  }
}
