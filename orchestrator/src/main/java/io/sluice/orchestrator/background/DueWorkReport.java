package io.sluice.orchestrator.background;

import java.time.Instant;

/**
 * What one kind of background work ran on a tick.
 *
 * @param ran how many units of due work it started (firings, campaign wake-ups, delivery attempts)
 * @param nextDue when its next work falls due; null when none is known
 */
public record DueWorkReport(String name, int ran, Instant nextDue) {}
