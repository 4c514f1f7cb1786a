package io.sluice.protocols.webhook;

import io.sluice.protocols.CborSerializable;
import java.util.List;

/**
 * What an endpoint's delivery entity needs to know of its endpoint, read from the endpoint table and sent to the
 * entity whenever it changes.
 *
 * @param secrets the signing secrets ({@code whsec_...}) to sign with: the current one first, then a rotated-out one
 *     still inside its overlap; every one signs, the signatures go space-separated into one header
 * @param enabled false once disabled (by a user, by a 410, or after failing continuously): nothing is attempted
 * @param paused true while a user paused deliveries; messages keep queueing
 * @param maxConcurrency the most attempts in flight to this endpoint at once
 * @param rateLimit the most attempts started per second; 0 means no limit
 */
public record EndpointConfig(
    String endpointId,
    String workspaceId,
    String url,
    List<String> secrets,
    boolean enabled,
    boolean paused,
    int maxConcurrency,
    int rateLimit,
    DeliveryOrdering ordering) implements CborSerializable {

  public EndpointConfig {
    secrets = List.copyOf(secrets);
  }

  /** Whether attempts may start now. */
  public boolean deliverable() {
    return enabled && !paused;
  }

  /** The secrets are never printed. */
  @Override
  public String toString() {
    return "EndpointConfig[endpointId=" + endpointId + ", workspaceId=" + workspaceId + ", url=" + url
        + ", secrets=" + secrets.size() + " hidden, enabled=" + enabled + ", paused=" + paused
        + ", maxConcurrency=" + maxConcurrency + ", rateLimit=" + rateLimit + ", ordering=" + ordering + "]";
  }
}
