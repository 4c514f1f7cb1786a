package io.sluice.orchestrator.webhook;

import io.sluice.config.WebhookSettings;
import java.time.Clock;
import java.util.Random;

/**
 * Everything an endpoint's delivery entity talks to besides its journal, given to every entity by
 * {@link WebhookEndpoint#init}.
 *
 * @param activity this node's counters, shared by all its entities
 * @param clock the entities' time (attempt starts, due times, rate limits, the failing period)
 * @param random draws the retry jitter; thread-safe, shared
 * @param armsTimers whether entities keep their wake-up timer; false in serverless mode or with webhook retries
 *     switched off, when a tick wakes the endpoints with deliveries due instead
 */
public record WebhookPorts(
    EndpointClient client,
    DeliveryLedger ledger,
    OperationalEvents events,
    WebhookActivity activity,
    WebhookSettings settings,
    Clock clock,
    Random random,
    boolean armsTimers) {

  /** Standalone: timers armed. */
  public WebhookPorts(EndpointClient client, DeliveryLedger ledger, OperationalEvents events, WebhookActivity activity,
      WebhookSettings settings, Clock clock, Random random) {
    this(client, ledger, events, activity, settings, clock, random, true);
  }
}
