package io.sluice.persistence.campaign;

/** A campaign's status as the read side shows it ({@code campaign.status}). */
public enum CampaignStatus {
  /** Created; calling starts at its start time ({@code next_wake_at}). */
  SCHEDULED,
  RUNNING,
  PAUSED,
  COMPLETED,
  CANCELLED;

  /** Whether a restarted service must wake the campaign's entity. */
  public boolean resumable() {
    return this == SCHEDULED || this == RUNNING;
  }
}
