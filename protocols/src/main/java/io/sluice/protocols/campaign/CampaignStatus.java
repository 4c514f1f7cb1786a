package io.sluice.protocols.campaign;

/** A campaign's life: {@code DRAFT → SCHEDULED → RUNNING ⇄ PAUSED → COMPLETED}, or {@code CANCELLED} from any non-final state. */
public enum CampaignStatus {
  DRAFT,
  SCHEDULED,
  RUNNING,
  PAUSED,
  COMPLETED,
  CANCELLED;

  public boolean isFinal() {
    return this == COMPLETED || this == CANCELLED;
  }
}
