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
 */
public record WebhookPorts(
    EndpointClient client,
    DeliveryLedger ledger,
    OperationalEvents events,
    WebhookActivity activity,
    WebhookSettings settings,
    Clock clock,
    Random random) {}
