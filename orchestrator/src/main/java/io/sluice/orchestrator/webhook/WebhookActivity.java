package io.sluice.orchestrator.webhook;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the delivery entities of this node are doing, for {@code /health}: each entity adds its changes as they
 * happen and takes all of its share back when it stops, so an idle node reads zero timers, nothing in flight and
 * nothing pending. Thread-safe: entities run on any dispatcher thread.
 */
public final class WebhookActivity {
  private final AtomicInteger entities = new AtomicInteger();
  private final AtomicInteger timers = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong pending = new AtomicLong();

  /**
   * @param entities live delivery entities
   * @param timers entities holding their (single) wake-up timer
   * @param inFlight HTTP attempts sent and not yet answered
   * @param pending messages queued and neither delivered nor dead-lettered, in live entities
   */
  public record Snapshot(int entities, int timers, int inFlight, long pending) {

    /** No timer armed and no attempt in flight: nothing is due on this node. */
    public boolean quiet() {
      return timers == 0 && inFlight == 0;
    }
  }

  public Snapshot snapshot() {
    return new Snapshot(entities.get(), timers.get(), inFlight.get(), pending.get());
  }

  void entities(int delta) {
    entities.addAndGet(delta);
  }

  void timers(int delta) {
    timers.addAndGet(delta);
  }

  void inFlight(int delta) {
    inFlight.addAndGet(delta);
  }

  void pending(long delta) {
    pending.addAndGet(delta);
  }
}
