package io.sluice.orchestrator.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sluice.persistence.webhook.EndpointRow;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An endpoint as the API shows it. The secret is only in the answer to its creation ({@code GET .../secret} reads it
 * later); everywhere else it is absent.
 *
 * @param ordering {@code unordered} or {@code ordered}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointView(String id, String url, String description, List<String> eventTypes, boolean enabled,
    String disabledReason, boolean paused, int maxConcurrency, int rateLimit, String ordering, Instant createdAt,
    Instant updatedAt, String secret) {

  static EndpointView of(EndpointRow row) {
    return new EndpointView(row.id(), row.url(), row.description(), row.eventTypes(), row.enabled(),
        row.disabledReason(), row.paused(), row.maxConcurrency(), row.rateLimit(),
        row.ordering().name().toLowerCase(Locale.ROOT), row.createdAt(), row.updatedAt(), null);
  }

  /** The answer to a creation, the one view that carries the secret. */
  static EndpointView created(EndpointRow row) {
    EndpointView view = of(row);
    return new EndpointView(view.id, view.url, view.description, view.eventTypes, view.enabled, view.disabledReason,
        view.paused, view.maxConcurrency, view.rateLimit, view.ordering, view.createdAt, view.updatedAt,
        row.secret());
  }

  /** The secret is never printed. */
  @Override
  public String toString() {
    return "EndpointView[id=" + id + ", url=" + url + ", secret " + (secret == null ? "absent" : "hidden") + "]";
  }
}
