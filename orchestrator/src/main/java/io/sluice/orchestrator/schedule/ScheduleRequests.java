package io.sluice.orchestrator.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.ScheduleSettings;
import io.sluice.orchestrator.campaign.FieldError;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.orchestrator.http.JsonHttp;
import io.sluice.protocols.schedule.Cadence;
import io.sluice.protocols.schedule.CatchUpPolicy;
import io.sluice.protocols.schedule.OverlapPolicy;
import io.sluice.protocols.schedule.ScheduleAction;
import io.sluice.protocols.schedule.ScheduleSpec;
import io.sluice.protocols.schedule.ScheduleSpec.Payload;
import io.sluice.protocols.schedule.ScheduleSpec.Queue;
import io.sluice.protocols.schedule.ScheduleSpec.Workspace;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A registration, checked without the database: the request body of {@code POST /v1/schedules}, and a
 * {@link ScheduleSpec} registered in code, go through the same rules. Every wrong field is named; the workspace comes
 * from the API key and is never a field (a body naming one is refused, so it cannot end up in the payload either).
 */
final class ScheduleRequests {
  static final Pattern QUEUE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
  private static final Set<String> FIELDS = Set.of("queue", "every", "cron", "timeZone", "payload", "action",
      "overlap", "catchUp");

  private final ScheduleSettings settings;
  private final ScheduledJobs jobs;

  ScheduleRequests(ScheduleSettings settings, ScheduledJobs jobs) {
    this.settings = settings;
    this.jobs = jobs;
  }

  /** The body as a spec of {@code workspaceId}. @throws ApiProblem naming every wrong field */
  ScheduleSpec parse(String workspaceId, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(JsonHttp.error(name, name.toLowerCase(Locale.ROOT).contains("workspace")
            ? "the workspace is the API key's; it is not a field of a schedule"
            : "is not a field of a schedule (fields: " + new java.util.TreeSet<>(FIELDS) + ")"));
      }
    }
    String queue = text(body, "queue", errors);
    Cadence cadence = cadence(body, errors);
    JsonNode payloadNode = body.get("payload");
    Payload payload = Payload.EMPTY;
    if (payloadNode != null && !payloadNode.isNull()) {
      if (!payloadNode.isObject()) {
        errors.add(JsonHttp.error("payload", "must be a JSON object"));
      } else {
        payload = new Payload(payloadNode.toString());
      }
    }
    ScheduleAction action = action(body.get("action"), errors);
    OverlapPolicy overlap = policy(body, "overlap", OverlapPolicy.class, OverlapPolicy.SKIP, errors);
    CatchUpPolicy catchUp = policy(body, "catchUp", CatchUpPolicy.class, CatchUpPolicy.SKIP_MISSED, errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("invalid schedule", errors);
    }
    ScheduleSpec spec = new ScheduleSpec(new Queue(queue), Workspace.of(workspaceId), cadence, payload, action,
        overlap, catchUp);
    check(spec);
    return spec;
  }

  /**
   * The rules a spec must meet however it was made. @throws ApiProblem naming every wrong field (413 for a payload
   * over the limit)
   */
  void check(ScheduleSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if (!QUEUE.matcher(spec.queue().name()).matches()) {
      errors.add(JsonHttp.error("queue", "must be 1 to 100 of a-z, 0-9, '.', '_', '-', starting with a letter or"
          + " digit"));
    }
    if (spec.cadence() instanceof Cadence.Every every) {
      if (every.interval().isNegative() || every.interval().isZero()) {
        errors.add(JsonHttp.error("every", "must be longer than zero"));
      } else if (every.interval().compareTo(settings.minInterval()) < 0) {
        errors.add(JsonHttp.error("every", "is " + every.interval() + " but must be at least "
            + settings.minInterval() + " (sluice.schedules.min-interval)"));
      }
    } else if (spec.cadence() instanceof Cadence.Cron cron) {
      try {
        Cadences.validateCron(cron.expression());
      } catch (IllegalArgumentException e) {
        errors.add(JsonHttp.error("cron", "is not a five-field cron expression (minute hour day-of-month month"
            + " day-of-week): " + e.getMessage()));
      }
    }
    if (spec.workspace().isSystem() && !(spec.action() instanceof ScheduleAction.RunJob)) {
      errors.add(JsonHttp.error("action", "a system schedule (no workspace) can only run a job"));
    }
    if (spec.action() instanceof ScheduleAction.RunJob run && jobs.find(run.job()).isEmpty()) {
      errors.add(JsonHttp.error("action.job", "no job named '" + run.job() + "' is registered (registered: "
          + jobs.names() + ")"));
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("invalid schedule", errors);
    }
    int size = spec.payload().json().getBytes(StandardCharsets.UTF_8).length;
    if (size > settings.maxPayloadBytes()) {
      throw ApiProblem.tooLarge("the payload is too large", List.of(JsonHttp.error("payload", "is " + size
          + " bytes, more than sluice.schedules.max-payload-bytes " + settings.maxPayloadBytes())));
    }
  }

  private static Cadence cadence(JsonNode body, List<FieldError> errors) {
    boolean hasEvery = body.hasNonNull("every");
    boolean hasCron = body.hasNonNull("cron");
    if (hasEvery == hasCron) {
      errors.add(JsonHttp.error(hasEvery ? "cron" : "every", "give exactly one of 'every' (an ISO-8601 duration"
          + " such as PT30S) and 'cron' (with 'timeZone')"));
      return new Cadence.Every(Duration.ZERO);
    }
    if (hasEvery) {
      if (body.has("timeZone")) {
        errors.add(JsonHttp.error("timeZone", "goes with 'cron' only"));
      }
      String every = text(body, "every", errors);
      try {
        return new Cadence.Every(Duration.parse(every));
      } catch (DateTimeParseException e) {
        errors.add(JsonHttp.error("every", "must be an ISO-8601 duration such as PT30S or PT1H"));
        return new Cadence.Every(Duration.ofSeconds(1));
      }
    }
    String expression = text(body, "cron", errors);
    String zone = body.hasNonNull("timeZone") ? text(body, "timeZone", errors) : "UTC";
    try {
      return new Cadence.Cron(expression, ZoneId.of(zone));
    } catch (DateTimeException e) {
      errors.add(JsonHttp.error("timeZone", "'" + zone + "' is not a known time zone (use an IANA name such as"
          + " Europe/Paris)"));
      return new Cadence.Cron(expression, ZoneId.of("UTC"));
    }
  }

  private static ScheduleAction action(JsonNode action, List<FieldError> errors) {
    if (action == null || !action.isObject()) {
      errors.add(JsonHttp.error("action", "must be an object with a 'kind': publish-event (with 'eventType'),"
          + " start-campaign (with 'campaignId') or run-job (with 'job')"));
      return new ScheduleAction.RunJob("");
    }
    String kind = action.path("kind").asText("");
    return switch (kind) {
      case ScheduleRows.PUBLISH_EVENT -> new ScheduleAction.PublishEvent(text(action, "eventType", "action.eventType",
          errors));
      case ScheduleRows.START_CAMPAIGN -> new ScheduleAction.StartCampaign(text(action, "campaignId",
          "action.campaignId", errors));
      case ScheduleRows.RUN_JOB -> new ScheduleAction.RunJob(text(action, "job", "action.job", errors));
      default -> {
        errors.add(JsonHttp.error("action.kind", "'" + kind + "' is not one of publish-event, start-campaign,"
            + " run-job"));
        yield new ScheduleAction.RunJob("");
      }
    };
  }

  private static <E extends Enum<E>> E policy(JsonNode body, String field, Class<E> type, E fallback,
      List<FieldError> errors) {
    if (!body.hasNonNull(field)) {
      return fallback;
    }
    String value = body.get(field).asText();
    for (E candidate : type.getEnumConstants()) {
      if (candidate.name().replace('_', '-').equalsIgnoreCase(value)) {
        return candidate;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E candidate : type.getEnumConstants()) {
      allowed.add(candidate.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    errors.add(JsonHttp.error(field, "'" + value + "' is not one of " + allowed));
    return fallback;
  }

  private static String text(JsonNode node, String field, List<FieldError> errors) {
    return text(node, field, field, errors);
  }

  private static String text(JsonNode node, String field, String name, List<FieldError> errors) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || !value.isTextual() || value.asText().isBlank()) {
      errors.add(JsonHttp.error(name, "is required and must be a non-empty string"));
      return "";
    }
    return value.asText();
  }
}
