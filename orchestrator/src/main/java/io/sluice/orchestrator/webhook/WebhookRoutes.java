package io.sluice.orchestrator.webhook;

import io.sluice.orchestrator.http.JsonHttp;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.pathPrefix;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.webhook.WebhookIds;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * The webhook API of one authenticated workspace, for inside {@code /v1}: {@code /v1/events} ({@link EventRoutes}),
 * and under {@code /v1/webhooks} the event types ({@link EventRoutes}), the endpoints ({@link EndpointRoutes}) and
 * the operations API ({@link OperationsRoutes}). Bad input is a 4xx with the project's problem body naming the field
 * ({@link io.sluice.orchestrator.http.ApiProblem}), and nothing is stored; another workspace's endpoint or message is
 * a 404, as one that does not exist. See docs/WEBHOOKS.md.
 */
public final class WebhookRoutes {
  private final EventRoutes events;
  private final EndpointRoutes endpoints;
  private final OperationsRoutes operations;

  /**
   * @param guard the SSRF guard, run on {@code blocking} (it resolves host names) when an endpoint's URL is set
   * @param ids makes endpoint ids; the publisher makes message ids with its own (both are time-ordered)
   */
  public WebhookRoutes(ActorSystem<?> system, ObjectMapper mapper, Database database, EventPublisher publisher,
      EndpointEntities entities, DestinationGuard guard, WebhookSettings settings, WebhookIds ids, Executor blocking,
      Clock clock) {
    JsonHttp http = new JsonHttp(system, mapper);
    this.events = new EventRoutes(database, publisher, settings, http, clock);
    this.endpoints = new EndpointRoutes(database, entities, guard, settings, http, ids, blocking, clock);
    this.operations = new OperationsRoutes(database, entities, settings, http, clock);
  }

  /** The routes of one workspace, already authenticated; mount with {@code pathPrefixTest("webhooks")} and "events". */
  public Route routes(String workspaceId) {
    return concat(
        events.events(workspaceId),
        pathPrefix("webhooks", () -> concat(
            events.eventTypes(workspaceId),
            endpoints.routes(workspaceId),
            operations.routes(workspaceId))));
  }
}
