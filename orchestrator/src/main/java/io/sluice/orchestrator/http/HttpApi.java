package io.sluice.orchestrator.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.extractUnmatchedPath;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.handleRejections;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.SluiceSettings;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import kamon.prometheus.PrometheusReporter;

/**
 * {@code GET /health}, {@code /health/live}, {@code /health/ready}, {@code GET /v1/pools} and {@code GET /metrics}
 * (Prometheus text); JSON errors otherwise.
 */
public final class HttpApi {
  private static final Duration STATS_TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final SluiceSettings settings;
  private final String instanceId;
  private final List<ActorRef<PermitCommand>> supervisors;
  private final ObjectMapper mapper;

  public HttpApi(ActorSystem<?> system, SluiceSettings settings, String instanceId,
      List<ActorRef<PermitCommand>> supervisors) {
    this.system = system;
    this.settings = settings;
    this.instanceId = instanceId;
    this.supervisors = List.copyOf(supervisors);
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  /** The liveness, readiness and pool state of the process. */
  public record Health(String status, boolean live, boolean ready, String mode, String instanceId, Budget budget,
      List<PoolState> pools, String problem) {}

  /** The connection budget: every pool's worst case against {@code sluice.database.max-connections}. */
  public record Budget(int maxConnections, int worstCase, boolean fits, String arithmetic) {}

  /** One pool as the health view shows it. */
  public record PoolState(String name, int limit, int granted, int waiting, PoolStats.Physical physical,
      boolean drained, List<String> activeTimers) {}

  /** Every error body: what went wrong, for which path. */
  public record ErrorBody(int status, String error, String path) {}

  public Route routes() {
    Route routes = concat(
        pathPrefix("health", () -> concat(
            path("live", () -> get(() -> json(StatusCodes.OK, new ErrorFree("UP")))),
            path("ready", () -> get(() -> onSuccess(health(), h -> json(statusOf(h), h)))),
            akka.http.javadsl.server.Directives.pathEndOrSingleSlash(() -> get(() ->
                onSuccess(health(), h -> json(statusOf(h), h)))))),
        path(akka.http.javadsl.server.PathMatchers.segment("v1").slash("pools"), () -> get(() ->
            onSuccess(allStats(), stats -> json(StatusCodes.OK, stats)))),
        path("metrics", () -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, prometheusScrape())))));
    return handleRejections(rejectionHandler(), () -> routes);
  }

  /** Body of {@code /health/live}. */
  public record ErrorFree(String status) {}

  private RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handle(akka.http.javadsl.server.MethodRejection.class, rejection -> extractUnmatchedPath(path ->
            json(StatusCodes.METHOD_NOT_ALLOWED, new ErrorBody(405, "method not allowed; use "
                + rejection.supported().name(), path))))
        .handleNotFound(extractUnmatchedPath(path ->
            json(StatusCodes.NOT_FOUND, new ErrorBody(404, "no such resource", path))))
        .build()
        .withFallback(RejectionHandler.defaultHandler());
  }

  private CompletionStage<Health> health() {
    Budget budget = new Budget(settings.budget().maxConnections(), settings.budget().worstCase(),
        settings.budget().fits(), settings.budget().arithmetic());
    String mode = settings.mode().name().toLowerCase(Locale.ROOT);
    return allStats().handle((stats, failure) -> {
      if (failure != null) {
        return new Health("DOWN", true, false, mode, instanceId, budget, List.of(),
            "pool supervisor did not answer within " + STATS_TIMEOUT + ": " + failure.getMessage());
      }
      List<PoolState> pools = new ArrayList<>();
      for (PoolStats s : stats) {
        pools.add(new PoolState(s.pool(), s.limit(), s.granted(), s.waiting(), s.physical(), s.drained(),
            s.activeTimers()));
      }
      return new Health("UP", true, true, mode, instanceId, budget, pools, null);
    });
  }

  private CompletionStage<List<PoolStats>> allStats() {
    List<CompletableFuture<PoolStats>> asks = new ArrayList<>();
    for (ActorRef<PermitCommand> supervisor : supervisors) {
      asks.add(AskPattern.<PermitCommand, PoolStats>ask(supervisor, GetPoolStats::new, STATS_TIMEOUT,
          system.scheduler()).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(done -> asks.stream().map(CompletableFuture::join).toList());
  }

  /** The Prometheus reporter's latest snapshot; empty until its first tick. */
  private static String prometheusScrape() {
    scala.Option<String> scrape = PrometheusReporter.latestScrapeData();
    return scrape.isDefined() ? scrape.get() : "";
  }

  private static StatusCode statusOf(Health health) {
    return health.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE;
  }

  private <T> Route json(StatusCode status, T body) {
    return complete(status, body, Jackson.marshaller(mapper));
  }
}
