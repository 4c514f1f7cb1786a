package io.sluice.orchestrator.campaign;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A campaign request that passed validation as a whole.
 *
 * @param leads in import order: lead ids are positions in this list, from 1
 * @param windows the windows as requested; apply the quiet hours with {@link CallingWindows#of} (validation already
 *     checked that some of every window survives them)
 */
public record ValidCampaign(String name, Owner owner, List<Lead> leads, List<CallingWindow> windows,
    int maxConcurrentCalls, int hotThreshold, RetryPolicy retryPolicy, Optional<Instant> startAt) {

  /** The campaign's owner, whose email receives the summary. */
  public record Owner(String userId, String email) {}

  public ValidCampaign {
    leads = List.copyOf(leads);
    windows = List.copyOf(windows);
  }
}
