package io.sluice.orchestrator.webhook;

import io.sluice.orchestrator.http.JsonHttp;
import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.patch;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.campaign.FieldError;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.persistence.webhook.EndpointRow;
import io.sluice.persistence.webhook.Endpoints;
import io.sluice.persistence.webhook.WebhookIds;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A workspace's endpoints: {@code POST /v1/webhooks/endpoints} (201 with the generated {@code whsec_} secret),
 * {@code GET} (paged by {@code cursor} and {@code limit}), {@code GET/PATCH/DELETE .../{id}}, {@code GET
 * .../{id}/secret}, {@code POST .../{id}/secret/rotate}, {@code POST .../{id}/pause} and {@code /resume}.
 *
 * <p>A request is checked whole before anything is stored: the fields ({@link EndpointRequests}), then the URL
 * against the SSRF guard on the blocking dispatcher (DNS), then, in the same unit of work that stores, that every
 * filtered event type exists. Any refusal is a 400 naming the field, with nothing stored. After a change the
 * endpoint's delivery entity gets the new configuration ({@link EndpointEntities#reconfigure}) before the answer, so
 * a 200 means the entity knows; a deleted endpoint's entity is told it is disabled. A new endpoint's entity is not
 * started: it reads its configuration when its first message arrives.
 */
final class EndpointRoutes {
  private final Database database;
  private final EndpointEntities entities;
  private final DestinationGuard guard;
  private final WebhookSettings settings;
  private final EndpointRequests requests;
  private final JsonHttp http;
  private final WebhookIds ids;
  private final Executor blocking;
  private final Clock clock;

  /** The answer to {@code GET .../secret}. */
  public record Secret(String secret) {
    @Override
    public String toString() {
      return "Secret[hidden]";
    }
  }

  /** The answer to a rotation: the new secret, and until when the previous one still signs. */
  public record RotatedSecret(String secret, Instant previousSecretExpiresAt) {
    @Override
    public String toString() {
      return "RotatedSecret[hidden, previousSecretExpiresAt=" + previousSecretExpiresAt + "]";
    }
  }

  /** A page of endpoints; {@code nextCursor} is null on the last page. */
  public record EndpointPage(List<EndpointView> endpoints, String nextCursor) {}

  EndpointRoutes(Database database, EndpointEntities entities, DestinationGuard guard, WebhookSettings settings,
      JsonHttp http, WebhookIds ids, Executor blocking, Clock clock) {
    this.database = database;
    this.entities = entities;
    this.guard = guard;
    this.settings = settings;
    this.requests = new EndpointRequests(settings);
    this.http = http;
    this.ids = ids;
    this.blocking = blocking;
    this.clock = clock;
  }

  Route routes(String workspaceId) {
    String owner = "workspace-" + workspaceId;
    return pathPrefix("endpoints", () -> concat(
        pathEnd(() -> concat(
            post(() -> http.jsonBody(body -> onSuccess(create(workspaceId, body), created ->
                http.json(StatusCodes.CREATED, created)))),
            get(() -> parameterOptional("cursor", cursor -> parameterOptional("limit", limit -> {
              int size = JsonHttp.limit(limit);
              String after = JsonHttp.cursor(cursor, id -> WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, id));
              return onSuccess(database.withConnection(null, owner, "list-endpoints",
                  Endpoints.list(workspaceId, after, size)), rows -> http.json(StatusCodes.OK, new EndpointPage(
                      rows.stream().map(EndpointView::of).toList(),
                      rows.size() < size ? null : rows.get(rows.size() - 1).id())));
            }))))),
        pathPrefix(PathMatchers.segment(), endpointId -> concat(
            pathEnd(() -> concat(
                get(() -> onSuccess(find(workspaceId, endpointId), row ->
                    http.json(StatusCodes.OK, EndpointView.of(row)))),
                patch(() -> http.jsonBody(body -> onSuccess(update(workspaceId, endpointId, body), row ->
                    http.json(StatusCodes.OK, EndpointView.of(row))))),
                delete(() -> onSuccess(remove(workspaceId, endpointId), done ->
                    complete(StatusCodes.NO_CONTENT))))),
            path("secret", () -> get(() -> onSuccess(find(workspaceId, endpointId), row ->
                http.json(StatusCodes.OK, new Secret(row.secret()))))),
            path(PathMatchers.segment("secret").slash("rotate"), () -> post(() ->
                onSuccess(rotate(workspaceId, endpointId), rotated -> http.json(StatusCodes.OK, rotated)))),
            path("pause", () -> post(() -> onSuccess(pause(workspaceId, endpointId, true), row ->
                http.json(StatusCodes.OK, EndpointView.of(row))))),
            path("resume", () -> post(() -> onSuccess(pause(workspaceId, endpointId, false), row ->
                http.json(StatusCodes.OK, EndpointView.of(row)))))))));
  }

  /** The endpoint if the workspace has it; 404 otherwise, whether it does not exist or is another workspace's. */
  CompletionStage<EndpointRow> find(String workspaceId, String endpointId) {
    if (!WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, endpointId)) {
      return CompletableFuture.failedFuture(ApiProblem.notFound("no such endpoint"));
    }
    return database.withConnection(null, "workspace-" + workspaceId, "find-endpoint",
        Endpoints.find(workspaceId, endpointId)).thenApply(row -> JsonHttp.found(row, "endpoint"));
  }

  private CompletionStage<EndpointView> create(String workspaceId, JsonNode body) {
    Instant now = clock.instant();
    List<FieldError> errors = new ArrayList<>();
    EndpointRow endpoint = requests.apply(body, requests.defaults(ids.endpointId(), workspaceId,
        StandardWebhooks.generateSecret(settings.secretBytes()), now), now, errors);
    refuseIfAny(errors);
    return guarded(endpoint.url())
        .thenCompose(allowed -> database.withConnection(null, "workspace-" + workspaceId, "create-endpoint",
            Endpoints.createKnown(endpoint)))
        .thenApply(unknown -> {
          refuseUnknown(unknown);
          return EndpointView.created(endpoint);
        });
  }

  private CompletionStage<EndpointRow> update(String workspaceId, String endpointId, JsonNode body) {
    return find(workspaceId, endpointId).thenCompose(stored -> {
      Instant now = clock.instant();
      List<FieldError> errors = new ArrayList<>();
      EndpointRow changed = requests.apply(body, stored, now, errors);
      refuseIfAny(errors);
      CompletionStage<Boolean> urlChecked = Objects.equals(changed.url(), stored.url())
          ? CompletableFuture.completedFuture(true) : guarded(changed.url());
      return urlChecked
          .thenCompose(allowed -> database.withConnection(null, "workspace-" + workspaceId, "update-endpoint",
              Endpoints.updateKnown(changed)))
          .thenCompose(result -> {
            if (!result.found()) {
              throw ApiProblem.notFound("no such endpoint");
            }
            refuseUnknown(result.unknownEventTypes());
            return reconfigured(changed, now);
          });
    });
  }

  private CompletionStage<Boolean> remove(String workspaceId, String endpointId) {
    return find(workspaceId, endpointId).thenCompose(stored -> database.withConnection(null,
            "workspace-" + workspaceId, "delete-endpoint", Endpoints.delete(workspaceId, endpointId))
        .thenCompose(deleted -> {
          if (!deleted) {
            throw ApiProblem.notFound("no such endpoint");
          }
          EndpointRow gone = new EndpointRow(stored.id(), stored.workspaceId(), stored.url(), stored.description(),
              stored.eventTypes(), stored.secret(), null, null, false, "deleted", stored.paused(),
              stored.maxConcurrency(), stored.rateLimit(), stored.ordering(), stored.createdAt(), clock.instant());
          return reconfigured(gone, clock.instant()).thenApply(row -> true);
        }));
  }

  private CompletionStage<RotatedSecret> rotate(String workspaceId, String endpointId) {
    if (!WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, endpointId)) {
      return CompletableFuture.failedFuture(ApiProblem.notFound("no such endpoint"));
    }
    Instant now = clock.instant();
    Instant previousExpiresAt = now.plus(settings.secretRotationOverlap());
    String secret = StandardWebhooks.generateSecret(settings.secretBytes());
    return database.withConnection(null, "workspace-" + workspaceId, "rotate-secret",
            Endpoints.rotate(workspaceId, endpointId, secret, previousExpiresAt, now))
        .thenCompose(row -> reconfigured(JsonHttp.found(row, "endpoint"), now))
        .thenApply(row -> new RotatedSecret(secret, previousExpiresAt));
  }

  private CompletionStage<EndpointRow> pause(String workspaceId, String endpointId, boolean paused) {
    if (!WebhookIds.isId(WebhookIds.ENDPOINT_PREFIX, endpointId)) {
      return CompletableFuture.failedFuture(ApiProblem.notFound("no such endpoint"));
    }
    Instant now = clock.instant();
    return database.withConnection(null, "workspace-" + workspaceId, paused ? "pause-endpoint" : "resume-endpoint",
            Endpoints.setPaused(workspaceId, endpointId, paused, now))
        .thenCompose(row -> reconfigured(JsonHttp.found(row, "endpoint"), now));
  }

  /** Hands the entity the endpoint's configuration as of {@code now}; completes with the row once it is journaled. */
  private CompletionStage<EndpointRow> reconfigured(EndpointRow row, Instant now) {
    return JsonHttp.acknowledged(entities.reconfigure(row.configAt(now)), "the endpoint's delivery entity")
        .thenApply(done -> row);
  }

  /** Runs the SSRF guard on the blocking dispatcher (it resolves the host); a refusal is a 400 naming {@code url}. */
  private CompletionStage<Boolean> guarded(String url) {
    return CompletableFuture.supplyAsync(() -> guard.refusal(URI.create(url)), blocking).thenApply(refusal -> {
      if (refusal.isPresent()) {
        throw ApiProblem.invalid("the URL may not be called", List.of(JsonHttp.error("url", refusal.get())));
      }
      return true;
    });
  }

  private static void refuseIfAny(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("invalid endpoint", errors);
    }
  }

  private static void refuseUnknown(List<String> unknown) {
    if (!unknown.isEmpty()) {
      throw ApiProblem.invalid("unknown event types", List.of(JsonHttp.error("eventTypes", "unknown event type(s) "
          + String.join(", ", unknown) + ": neither built in nor registered (POST /v1/webhooks/event-types)")));
    }
  }
}
