package io.sluice.protocols.schedule;

/** What happens to due times missed while no scheduler ran (beyond the catch-up grace). */
public enum CatchUpPolicy {
  /** They are skipped: the schedule moves on to its next due time after now. */
  SKIP_MISSED,
  /** One firing runs for the latest missed due time, then the schedule moves on. */
  RUN_ONCE
}
