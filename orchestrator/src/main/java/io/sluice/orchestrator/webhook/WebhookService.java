package io.sluice.orchestrator.webhook;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.BackgroundSettings;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.background.BackgroundWork;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.webhook.Deliveries;
import io.sluice.persistence.webhook.WebhookIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound-webhook side of the service, assembled: the SSRF guard and the HTTP client of the attempts, the
 * tables (through permits), the publisher every event goes through, the sharded delivery entities (one per endpoint)
 * and the API.
 *
 * <p>Start-up reads once which endpoints have deliveries pending and wakes their entities; each reads its own pending
 * deliveries once and arms at most one timer. Nothing here runs on a period: with nothing due, the webhook machinery
 * holds no timer, no entity and no connection ({@link #health()}).
 */
public final class WebhookService {
  private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Database database;
  private final EndpointEntities entities;
  private final EventPublisher publisher;
  private final WebhookRoutes routes;
  private final WebhookActivity activity;
  private final WebhookRetries retries;

  private WebhookService(Database database, EndpointEntities entities, EventPublisher publisher,
      WebhookRoutes routes, WebhookActivity activity, WebhookRetries retries) {
    this.database = database;
    this.entities = entities;
    this.publisher = publisher;
    this.routes = routes;
    this.activity = activity;
    this.retries = retries;
  }

  /** Registers the delivery entities and builds the publisher and the API; delivers nothing until {@link #resume}. */
  public static WebhookService start(ActorSystem<?> system, WebhookSettings settings, Database database,
      ObjectMapper mapper, Clock clock) {
    return start(system, settings, BackgroundSettings.standalone(), database, mapper, clock);
  }

  /** As {@link #start(ActorSystem, WebhookSettings, Database, ObjectMapper, Clock)}, timers as {@code background} says. */
  public static WebhookService start(ActorSystem<?> system, WebhookSettings settings, BackgroundSettings background,
      Database database, ObjectMapper mapper, Clock clock) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    DestinationGuard guard = ResolvedAddressGuard.from(settings);
    EndpointClient client = new HttpEndpointClient(system, settings, guard, blocking, clock);
    WebhookIds ids = new WebhookIds(clock);
    EndpointEntities entities = new ShardedEndpoints(system, settings.askTimeout());
    EventPublisher publisher = new EventPublisher(database, entities, mapper, settings, ids, clock);
    WebhookActivity activity = new WebhookActivity();
    WebhookEndpoint.init(system, new WebhookPorts(client, new WebhookLedger(database, settings, clock), publisher,
        activity, settings, clock, new SecureRandom(), background.armsTimers(BackgroundSettings.WEBHOOK_RETRY)));
    WebhookRoutes routes = new WebhookRoutes(system, mapper, database, publisher, entities, guard, settings, ids,
        blocking, clock);
    return new WebhookService(database, entities, publisher, routes, activity,
        new WebhookRetries(database, entities, activity, background.enabled(BackgroundSettings.WEBHOOK_RETRY)));
  }

  /** Wakes the entity of every endpoint with a delivery pending; at start-up. */
  public void resume() throws Exception {
    int endpoints = wakePending().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    log.info("resumed the deliveries of {} webhook endpoint(s)", endpoints);
  }

  /**
   * Wakes the entity of every endpoint with a delivery pending, wherever sharding places it: at start-up, and when a
   * node left the cluster with endpoints on it. Answers how many were woken.
   */
  public CompletionStage<Integer> wakePending() {
    return database.withConnection(null, "webhook-service", "endpoints-to-resume", Deliveries.endpointsWithPending())
        .thenApply(endpoints -> {
          endpoints.forEach(entities::wake);
          return endpoints.size();
        });
  }

  /** Where Sluice's own events ({@code campaign.completed}, {@code lead.hot}, ...) are published. */
  public OperationalEvents events() {
    return publisher;
  }

  /** The publisher of events with JSON payloads (the events API's, and scheduled publications'). */
  public EventPublisher publisher() {
    return publisher;
  }

  /** The webhook API of one authenticated workspace ({@code /v1/events}, {@code /v1/webhooks/...}). */
  public Route routes(String workspaceId) {
    return routes.routes(workspaceId);
  }

  /** The webhook retries' part of a tick and of {@code /health}'s background view. */
  public BackgroundWork retries() {
    return retries;
  }

  /** The machinery's counters now (timers, attempts in flight); never blocks. */
  public WebhookActivity.Snapshot activity() {
    return activity.snapshot();
  }

  /** The machinery's activity now, for {@code /health}; never blocks. */
  public Object health() {
    return activity.snapshot();
  }
}
