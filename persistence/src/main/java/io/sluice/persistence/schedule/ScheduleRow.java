package io.sluice.persistence.schedule;

import java.time.Instant;

/**
 * A row of {@code schedule}. Exactly one of {@code intervalMillis} and {@code cron} is set; {@code timeZone} goes with
 * the cron expression.
 *
 * @param workspaceId null for a system schedule
 * @param actionKind publish-event, start-campaign or run-job
 * @param actionTarget the event type, campaign id or job name
 * @param lastOutcome SUCCEEDED or FAILED of the last finished run; null before one
 * @param registrations how often it was registered (1 + the repeats that changed nothing)
 */
public record ScheduleRow(String id, String queue, String workspaceId, Long intervalMillis, String cron,
    String timeZone, String payload, String actionKind, String actionTarget, String overlapPolicy,
    String catchUpPolicy, boolean paused, Instant nextDueAt, Instant lastRunAt, String lastOutcome, String lastError,
    long registrations, Instant createdAt, Instant updatedAt) {

  /** Whether {@code other} registers the same schedule the same way (identity, cadence, payload, action, policies). */
  public boolean sameRegistration(ScheduleRow other) {
    return queue.equals(other.queue) && java.util.Objects.equals(workspaceId, other.workspaceId)
        && java.util.Objects.equals(intervalMillis, other.intervalMillis)
        && java.util.Objects.equals(cron, other.cron) && java.util.Objects.equals(timeZone, other.timeZone)
        && payload.equals(other.payload) && actionKind.equals(other.actionKind)
        && actionTarget.equals(other.actionTarget) && overlapPolicy.equals(other.overlapPolicy)
        && catchUpPolicy.equals(other.catchUpPolicy);
  }

  /** Whether {@code other} falls due at other times (its due time must then be computed anew). */
  public boolean sameCadence(ScheduleRow other) {
    return java.util.Objects.equals(intervalMillis, other.intervalMillis)
        && java.util.Objects.equals(cron, other.cron) && java.util.Objects.equals(timeZone, other.timeZone);
  }
}
