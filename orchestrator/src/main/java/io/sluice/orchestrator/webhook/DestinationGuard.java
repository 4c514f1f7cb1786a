package io.sluice.orchestrator.webhook;

import java.net.URI;
import java.util.Optional;

/**
 * The SSRF guard: decides whether a webhook URL may be called. Only {@code http} and {@code https} pass, and every
 * address the host resolves to must be public unless an allow-listed block ({@code sluice.webhooks.allow-addresses})
 * covers it: loopback, private, link-local, unique-local, multicast, unspecified and cloud-metadata addresses are
 * refused. Checked when an endpoint is registered or changed, and again on every attempt (DNS may have changed).
 */
public interface DestinationGuard {

  /**
   * Resolves the URL's host (blocking: call it off the actor and HTTP threads) and checks it.
   *
   * @return why the URL is refused, naming the scheme or the address; empty when it may be called
   */
  Optional<String> refusal(URI url);
}
