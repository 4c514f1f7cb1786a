package io.sluice.orchestrator.background;

import java.time.Instant;

/**
 * One kind of background work as {@code /health} shows it.
 *
 * @param timers the in-process timers it holds now (always 0 in serverless mode)
 * @param lastRun when it last ran due work; null if never since start
 * @param nextDue when its next work falls due; null when none is known
 */
public record BackgroundStatus(String name, boolean enabled, int timers, Instant lastRun, Instant nextDue) {}
