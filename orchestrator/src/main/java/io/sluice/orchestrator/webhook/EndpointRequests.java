package io.sluice.orchestrator.webhook;

import io.sluice.orchestrator.http.JsonHttp;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.campaign.FieldError;
import io.sluice.persistence.webhook.EndpointRow;
import io.sluice.persistence.webhook.EventTypes;
import io.sluice.protocols.webhook.DeliveryOrdering;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The body of {@code POST} and {@code PATCH /v1/webhooks/endpoints}, checked field by field without the database:
 * {@code url} (required on create; http or https, a host, no credentials), {@code eventTypes} (names of the event-type
 * pattern; empty = every type), {@code description}, {@code enabled}, {@code maxConcurrency} (1 to the ceiling),
 * {@code rateLimit} (messages per second, 0 = none), {@code ordering} ({@code unordered} or {@code ordered}). A create
 * starts from the defaults; a patch from the stored endpoint, changing only the fields present ({@code description:
 * null} clears it). Whether the event types exist and whether the URL's addresses may be called are checked after,
 * by {@link EndpointRoutes}. Every problem is collected, each naming its field.
 */
final class EndpointRequests {
  static final int MAX_URL_LENGTH = 2000;
  static final int MAX_DESCRIPTION_LENGTH = 500;
  static final int MAX_EVENT_TYPES = 100;
  static final int MAX_RATE_LIMIT = 10_000;
  private static final Set<String> FIELDS = Set.of("url", "eventTypes", "description", "enabled", "maxConcurrency",
      "rateLimit", "ordering");

  private final WebhookSettings settings;

  EndpointRequests(WebhookSettings settings) {
    this.settings = settings;
  }

  /** A new endpoint of the workspace with the defaults, before the request's fields are applied. */
  EndpointRow defaults(String id, String workspaceId, String secret, Instant now) {
    return new EndpointRow(id, workspaceId, null, null, List.of(), secret, null, null, true, null, false,
        settings.defaultMaxConcurrency(), settings.defaultRateLimit(), DeliveryOrdering.UNORDERED, now, now);
  }

  /** {@code base} with the body's fields; problems are added to {@code errors}. */
  EndpointRow apply(JsonNode body, EndpointRow base, Instant now, List<FieldError> errors) {
    body.fieldNames().forEachRemaining(name -> {
      if (!FIELDS.contains(name)) {
        errors.add(JsonHttp.error(name, "is not a field of an endpoint; fields are " + FIELDS.stream().sorted()
            .toList()));
      }
    });
    String url = base.url();
    if (body.has("url")) {
      url = url(body.get("url"), errors);
    } else if (url == null) {
      errors.add(JsonHttp.error("url", "is required"));
    }
    List<String> eventTypes = body.has("eventTypes") ? eventTypes(body.get("eventTypes"), errors)
        : base.eventTypes();
    String description = base.description();
    if (body.has("description")) {
      description = text(body.get("description"), "description", MAX_DESCRIPTION_LENGTH, errors);
    }
    boolean enabled = base.enabled();
    if (body.has("enabled")) {
      if (body.get("enabled").isBoolean()) {
        enabled = body.get("enabled").booleanValue();
      } else {
        errors.add(JsonHttp.error("enabled", "must be true or false"));
      }
    }
    int maxConcurrency = body.has("maxConcurrency")
        ? number(body.get("maxConcurrency"), "maxConcurrency", 1, settings.maxConcurrencyCeiling(), errors)
        : base.maxConcurrency();
    int rateLimit = body.has("rateLimit")
        ? number(body.get("rateLimit"), "rateLimit", 0, MAX_RATE_LIMIT, errors) : base.rateLimit();
    DeliveryOrdering ordering = body.has("ordering") ? ordering(body.get("ordering"), errors) : base.ordering();
    // Re-enabling clears the reason; disabling through the API gives one.
    String disabledReason = enabled ? null
        : base.enabled() ? "disabled through the API" : base.disabledReason();
    return new EndpointRow(base.id(), base.workspaceId(), url, description, eventTypes, base.secret(),
        base.previousSecret(), base.previousSecretExpiresAt(), enabled, disabledReason, base.paused(), maxConcurrency,
        rateLimit, ordering, base.createdAt(), now);
  }

  private static String url(JsonNode node, List<FieldError> errors) {
    if (!node.isTextual() || node.textValue().isBlank()) {
      errors.add(JsonHttp.error("url", "must be an http or https URL"));
      return null;
    }
    String text = node.textValue().strip();
    if (text.length() > MAX_URL_LENGTH) {
      errors.add(JsonHttp.error("url", "is longer than " + MAX_URL_LENGTH + " characters"));
      return null;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        errors.add(JsonHttp.error("url", "has scheme '" + scheme + "' but only http and https are allowed"));
      } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
        errors.add(JsonHttp.error("url", "has no host"));
      } else if (uri.getRawUserInfo() != null) {
        errors.add(JsonHttp.error("url", "must not carry credentials (user:password@)"));
      } else {
        return text;
      }
    } catch (URISyntaxException e) {
      errors.add(JsonHttp.error("url", "is not a valid URL: " + e.getReason()));
    }
    return null;
  }

  private static List<String> eventTypes(JsonNode node, List<FieldError> errors) {
    if (!node.isArray()) {
      errors.add(JsonHttp.error("eventTypes", "must be an array of event type names ([] = every type)"));
      return List.of();
    }
    if (node.size() > MAX_EVENT_TYPES) {
      errors.add(JsonHttp.error("eventTypes", "lists more than " + MAX_EVENT_TYPES + " types"));
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode name = node.get(i);
      if (name.isTextual() && isEventTypeName(name.textValue())) {
        names.add(name.textValue());
      } else {
        errors.add(JsonHttp.error("eventTypes[" + i + "]", "is not an event type name such as campaign.completed"));
      }
    }
    return names;
  }

  static boolean isEventTypeName(String name) {
    return name.length() <= EventTypes.MAX_NAME_LENGTH && EventTypes.NAME.matcher(name).matches();
  }

  /** A string of at most {@code max} characters, or null when the JSON value is null. */
  static String text(JsonNode node, String field, int max, List<FieldError> errors) {
    if (node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      errors.add(JsonHttp.error(field, "must be a string"));
      return null;
    }
    if (node.textValue().length() > max) {
      errors.add(JsonHttp.error(field, "is longer than " + max + " characters"));
      return null;
    }
    return node.textValue();
  }

  private static int number(JsonNode node, String field, int min, int max, List<FieldError> errors) {
    if (node.canConvertToInt() && node.isIntegralNumber() && node.intValue() >= min && node.intValue() <= max) {
      return node.intValue();
    }
    errors.add(JsonHttp.error(field, "must be a whole number from " + min + " to " + max));
    return min;
  }

  private static DeliveryOrdering ordering(JsonNode node, List<FieldError> errors) {
    if (node.isTextual()) {
      for (DeliveryOrdering ordering : DeliveryOrdering.values()) {
        if (ordering.name().equalsIgnoreCase(node.textValue())) {
          return ordering;
        }
      }
    }
    errors.add(JsonHttp.error("ordering", "must be unordered or ordered"));
    return DeliveryOrdering.UNORDERED;
  }
}
