package io.sluice.persistence.campaign;

/** The answer to {@link CampaignLeads#claim}. */
public enum ClaimResult {
  /** This caller won the lead: it is DIALING and the attempt is the caller's to place. */
  CLAIMED,
  /** The number is on the workspace's do-not-call list: the lead was made FINAL with outcome DO_NOT_CALL instead. */
  DO_NOT_CALL,
  /**
   * This very attempt (the same key) was claimed and its settlement is already in the table: a campaign resuming after
   * a crash between writing a settlement and journaling it. Take the outcome from the table.
   */
  ALREADY_SETTLED,
  /** Someone else claimed it first, or it is no longer the PENDING lead the caller saw: do nothing. */
  NOT_CLAIMABLE
}
