package io.sluice.persistence.schedule;

import java.time.Instant;

/**
 * A row of {@code schedule_firing}.
 *
 * @param kind SCHEDULED, CATCH_UP (the one run for missed due times) or MANUAL (run now)
 * @param status RUNNING, QUEUED (waits for the previous run), SKIPPED (the previous run was still going),
 *     SUCCEEDED, FAILED, or INTERRUPTED (the process stopped while it ran)
 */
public record FiringRow(String scheduleId, Instant dueAt, String kind, String status, Instant recordedAt,
    Instant startedAt, Instant finishedAt, String error) {}
