package io.sluice.orchestrator.schedule;

import akka.Done;
import java.util.concurrent.CompletionStage;

/**
 * Work registered in code under a name ({@link ScheduledJobs}) that a schedule's {@code run-job} action calls. A job
 * does its database work through {@link JobRun#withConnection}, under the run's permits, and its items through
 * {@link JobRun#forEach}, at most {@code sluice.schedules.handlers-per-run} at once: the start-up check counts on it.
 */
@FunctionalInterface
public interface ScheduledJob {
  /** Completes when the run is done; a failed stage marks the firing FAILED with its message. */
  CompletionStage<Done> run(JobRun run);
}
