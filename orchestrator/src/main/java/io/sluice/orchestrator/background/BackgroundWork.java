package io.sluice.orchestrator.background;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * One kind of due work the service runs in the background — schedules, campaign wake-ups, webhook retries. In
 * standalone mode each kind keeps its own timers, only while it has due work; in serverless mode it keeps none, and
 * its due work runs when a tick arrives ({@link #runDue}).
 */
public interface BackgroundWork {
  /** The name in {@code /health} and in a tick's answer, e.g. {@code schedules}. */
  String name();

  /** Runs whatever is due at {@code now}; answers what it ran and when its next work falls due. */
  CompletionStage<DueWorkReport> runDue(Instant now);

  /** Whether it is enabled, the timers it holds, its last run and its next due time. */
  CompletionStage<BackgroundStatus> status();
}
