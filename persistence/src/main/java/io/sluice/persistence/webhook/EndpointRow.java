package io.sluice.persistence.webhook;

import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.EndpointConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code webhook_endpoint} row with its event-type filter.
 *
 * @param eventTypes the types it receives, sorted; empty means every type
 * @param previousSecret the rotated-out secret, or null; it signs only while {@code previousSecretExpiresAt} is ahead
 * @param disabledReason why it was disabled (by a user, a 410, or failing continuously); null while enabled
 * @param rateLimit attempts started per second, 0 for no limit
 */
public record EndpointRow(
    String id,
    String workspaceId,
    String url,
    String description,
    List<String> eventTypes,
    String secret,
    String previousSecret,
    Instant previousSecretExpiresAt,
    boolean enabled,
    String disabledReason,
    boolean paused,
    int maxConcurrency,
    int rateLimit,
    DeliveryOrdering ordering,
    Instant createdAt,
    Instant updatedAt) {

  public EndpointRow {
    eventTypes = eventTypes.stream().sorted().distinct().toList();
  }

  /** The secrets that sign at {@code now}: the current one, then the previous one while its overlap lasts. */
  public List<String> secretsAt(Instant now) {
    List<String> secrets = new ArrayList<>(2);
    secrets.add(secret);
    if (previousSecret != null && previousSecretExpiresAt != null && previousSecretExpiresAt.isAfter(now)) {
      secrets.add(previousSecret);
    }
    return secrets;
  }

  /** What the endpoint's delivery entity is told, with the secrets that sign at {@code now}. */
  public EndpointConfig configAt(Instant now) {
    return new EndpointConfig(id, workspaceId, url, secretsAt(now), enabled, paused, maxConcurrency, rateLimit,
        ordering);
  }

  /** The secrets are never printed. */
  @Override
  public String toString() {
    return "EndpointRow[id=" + id + ", workspaceId=" + workspaceId + ", url=" + url + ", eventTypes=" + eventTypes
        + ", secrets hidden, enabled=" + enabled + ", paused=" + paused + ", maxConcurrency=" + maxConcurrency
        + ", rateLimit=" + rateLimit + ", ordering=" + ordering + "]";
  }
}
