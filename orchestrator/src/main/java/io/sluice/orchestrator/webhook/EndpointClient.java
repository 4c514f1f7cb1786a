package io.sluice.orchestrator.webhook;

import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Makes one signed delivery attempt over HTTP. The attempt never holds a database permit.
 *
 * <p>An implementation checks the endpoint's address against the SSRF guard on every attempt (after DNS
 * resolution), signs per Standard Webhooks with every secret of the endpoint, follows no redirect, gives up after the
 * attempt timeout, and reads the response body only up to the configured limit. The returned stage always completes
 * normally: every failure is an {@link AttemptOutcome}.
 */
public interface EndpointClient {

  /**
   * @param timestamp the {@code webhook-timestamp} to send (the attempt's start)
   */
  CompletionStage<AttemptOutcome> send(EndpointConfig endpoint, OutboundMessage message, Instant timestamp);
}
