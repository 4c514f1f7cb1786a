package io.sluice.persistence.campaign;

/** The answer to {@link CampaignLeads#claim}. */
public enum ClaimResult {
  /** This caller won the lead: it is DIALING and the attempt is the caller's to place. */
  CLAIMED,
  /** The number is on the workspace's do-not-call list: the lead was made FINAL with outcome DO_NOT_CALL instead. */
  DO_NOT_CALL,
  /** Someone else claimed it first, or it is no longer the PENDING lead the caller saw: do nothing. */
  NOT_CLAIMABLE
}
