package io.sluice.protocols.schedule;

/** What a firing does while the schedule's previous run is still going. */
public enum OverlapPolicy {
  /** It is recorded as skipped. */
  SKIP,
  /** It waits and runs when the previous run ends; at most one waits, any further one is skipped. */
  QUEUE_ONE
}
