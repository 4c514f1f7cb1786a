package io.sluice.orchestrator.campaign;

/** What claiming a lead attempt for dialling found, decided in the same transaction as the claim. */
public enum ClaimResult {
  /** The lead is now DIALING under this attempt (or already was: claiming again after a restart is a no-op). */
  CLAIMED,
  /** The number is on the workspace's do-not-call list: the lead is settled final without a call. */
  DO_NOT_CALL,
  /** The lead is no longer waiting for this attempt (settled, or claimed under another): nothing to do. */
  GONE
}
