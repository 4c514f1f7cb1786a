package io.sluice.orchestrator.campaign;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the campaign entities of this node hold, for {@code /health} and exit-on-idle: each entity adds its changes
 * as they happen and takes its share back when it stops, so a node with nothing due reads zero timers. Thread-safe:
 * entities run on any dispatcher thread.
 */
public final class CampaignActivity {
  private final AtomicInteger timers = new AtomicInteger();
  private final AtomicInteger attempts = new AtomicInteger();

  /**
   * @param timers armed wake-up, scheduled-start and summary-retry timers
   * @param attemptsInFlight lead attempts being claimed, dialled, waiting for their report or settling
   */
  public record Snapshot(int timers, int attemptsInFlight) {}

  public Snapshot snapshot() {
    return new Snapshot(timers.get(), attempts.get());
  }

  void timers(int delta) {
    timers.addAndGet(delta);
  }

  void attempts(int delta) {
    attempts.addAndGet(delta);
  }
}
