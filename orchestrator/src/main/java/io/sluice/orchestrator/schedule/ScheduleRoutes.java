package io.sluice.orchestrator.schedule;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.orchestrator.http.JsonHttp;
import io.sluice.persistence.schedule.FiringRow;
import io.sluice.persistence.schedule.ScheduleRow;
import io.sluice.persistence.schedule.Schedules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code /v1/schedules} of one authenticated workspace: register (idempotent upsert: 201 when created, 200 when
 * changed or repeated), list, get (with its next due times and latest firings), pause, resume, delete, run now. A
 * schedule is addressed by its queue name; another workspace's is a 404 like one that does not exist.
 */
final class ScheduleRoutes {
  /** Firings a schedule's view lists. */
  static final int RECENT_FIRINGS = 10;

  /** Room for a registration's other fields around its payload. */
  static final int ENVELOPE_BYTES = 16 * 1024;

  private final ScheduleService schedules;
  private final JsonHttp http;
  private final int maxBody;

  /** @param maxPayloadBytes a body beyond it plus {@link #ENVELOPE_BYTES} is refused (413) before it is parsed */
  ScheduleRoutes(ScheduleService schedules, JsonHttp http, int maxPayloadBytes) {
    this.schedules = schedules;
    this.http = http;
    this.maxBody = maxPayloadBytes + ENVELOPE_BYTES;
  }

  /** A schedule as the API shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ScheduleView(String id, String queue, String every, String cron, String timeZone, JsonNode payload,
      Map<String, String> action, String overlap, String catchUp, boolean paused, Instant nextDueAt,
      List<Instant> upcoming, Instant lastRunAt, String lastOutcome, String lastError, long registrations,
      Instant createdAt, Instant updatedAt, List<FiringView> recentFirings) {}

  /** A firing as the API shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FiringView(Instant dueAt, String kind, String status, Instant recordedAt, Instant startedAt,
      Instant finishedAt, String error) {
    static FiringView of(FiringRow row) {
      return new FiringView(row.dueAt(), row.kind(), row.status(), row.recordedAt(), row.startedAt(),
          row.finishedAt(), row.error());
    }
  }

  /** The answer to a run-now request. */
  record RunNowView(String queue, boolean started, String detail) {}

  record ScheduleList(List<ScheduleView> schedules) {}

  Route routes(String workspaceId) {
    return pathPrefix("schedules", () -> concat(
        pathEnd(() -> concat(
            post(() -> http.jsonBody(maxBody, "payload", body -> onSuccess(register(workspaceId, body), registration ->
                http.json(registration.change() == Schedules.Change.CREATED ? StatusCodes.CREATED : StatusCodes.OK,
                    view(registration.row(), null))))),
            get(() -> onSuccess(schedules.list(workspaceId), rows ->
                http.json(StatusCodes.OK, new ScheduleList(rows.stream().map(row -> view(row, null)).toList())))))),
        pathPrefix(PathMatchers.segment(), queue -> concat(
            pathEnd(() -> concat(
                get(() -> onSuccess(withFirings(workspaceId, queue), view -> http.json(StatusCodes.OK, view))),
                delete(() -> onSuccess(schedules.delete(workspaceId, queue), deleted -> {
                  if (!deleted) {
                    throw ApiProblem.notFound("no such schedule");
                  }
                  return complete(StatusCodes.NO_CONTENT);
                })))),
            path("pause", () -> post(() -> onSuccess(schedules.setPaused(workspaceId, queue, true), row ->
                http.json(StatusCodes.OK, view(JsonHttp.found(row, "schedule"), null))))),
            path("resume", () -> post(() -> onSuccess(schedules.setPaused(workspaceId, queue, false), row ->
                http.json(StatusCodes.OK, view(JsonHttp.found(row, "schedule"), null))))),
            path("run", () -> post(() -> onSuccess(runNow(workspaceId, queue), reply ->
                http.json(reply.started() ? StatusCodes.ACCEPTED : StatusCodes.CONFLICT, reply))))))));
  }

  private CompletionStage<Schedules.Registration> register(String workspaceId, JsonNode body) {
    return schedules.register(schedules.requests().parse(workspaceId, body));
  }

  private CompletionStage<ScheduleView> withFirings(String workspaceId, String queue) {
    return schedules.find(workspaceId, queue).thenCompose(row -> {
      ScheduleRow found = JsonHttp.found(row, "schedule");
      return schedules.recentFirings(workspaceId, found.id(), RECENT_FIRINGS).thenApply(firings ->
          view(found, firings.stream().map(FiringView::of).toList()));
    });
  }

  private CompletionStage<RunNowView> runNow(String workspaceId, String queue) {
    return schedules.find(workspaceId, queue).thenCompose(row -> {
      ScheduleRow found = JsonHttp.found(row, "schedule");
      return JsonHttp.acknowledged(schedules.runNow(found.id()), "the scheduler")
          .thenApply(reply -> new RunNowView(queue, reply.started(), reply.reason()));
    });
  }

  private ScheduleView view(ScheduleRow row, List<FiringView> firings) {
    JsonNode payload;
    try {
      payload = http.mapper().readTree(row.payload());
    } catch (IOException e) {
      throw new UncheckedIOException("stored payload of schedule " + row.id() + " is not JSON", e);
    }
    String targetField = switch (row.actionKind()) {
      case ScheduleRows.PUBLISH_EVENT -> "eventType";
      case ScheduleRows.START_CAMPAIGN -> "campaignId";
      default -> "job";
    };
    return new ScheduleView(row.id(), row.queue(),
        row.intervalMillis() == null ? null : Duration.ofMillis(row.intervalMillis()).toString(), row.cron(),
        row.timeZone(), payload, Map.of("kind", row.actionKind(), targetField, row.actionTarget()),
        row.overlapPolicy().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        row.catchUpPolicy().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), row.paused(), row.nextDueAt(),
        row.paused() ? List.of() : ScheduleService.upcoming(row, ScheduleService.UPCOMING), row.lastRunAt(),
        row.lastOutcome(), row.lastError(), row.registrations(), row.createdAt(), row.updatedAt(), firings);
  }
}
