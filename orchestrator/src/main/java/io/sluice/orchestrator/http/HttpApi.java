package io.sluice.orchestrator.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.extractUnmatchedPath;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.handleExceptions;
import static akka.http.javadsl.server.Directives.handleRejections;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.reject;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.cluster.ClusterView;
import io.sluice.protocols.journal.JournalPoolStats;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import kamon.prometheus.PrometheusReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}, {@code /health/live}, {@code /health/ready}, {@code GET /v1/pools} and {@code GET /metrics}
 * (Prometheus text); JSON errors otherwise, also for a supervisor that does not answer (503) and for any unexpected
 * exception (500), so that clients never have to parse Akka HTTP's plain-text defaults.
 *
 * <p>Ready ({@code /health/ready} 200) means every pool supervisor answers and, in a cluster
 * ({@link #withCluster}), this node is an Up member; {@code /health} also shows the cluster as this node sees it.
 *
 * <p>{@code /v1/pools} is a JSON array: first one {@link PoolStats} per governed pool (its supervisor's answer), then
 * one {@link JournalPoolStats} per pool outside the permits, today the event journal's ({@code "pool":"journal"}, with
 * {@code physical}, {@code borrowed}, {@code borrows}, {@code idleDrains}, {@code activeTimers}, {@code drained},
 * {@code suspended}, {@code suspendedReason}, {@code refusedBorrows}; no {@code limit}, since nothing grants permits
 * for it), and last, in a cluster sharing one budget, the budget's
 * entry (see {@link #withClusterBudget}).
 */
public final class HttpApi {
  /** How long the health and pool views wait for each supervisor's stats in the running service. */
  public static final Duration DEFAULT_STATS_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final ActorSystem<?> system;
  private final SluiceSettings settings;
  private final String instanceId;
  private final List<ActorRef<PermitCommand>> supervisors;
  private final List<Supplier<JournalPoolStats>> journalPools;
  private final Duration statsTimeout;
  private final Supplier<CompletionStage<?>> emailHealth;
  private final Supplier<?> webhookHealth;
  private final Supplier<CompletionStage<?>> backgroundHealth;
  private final Supplier<ClusterView> cluster;
  private final Supplier<CompletionStage<?>> clusterBudget;
  private final ObjectMapper mapper;

  /** @param statsTimeout how long to wait for each supervisor's {@link PoolStats} before answering 503 */
  public HttpApi(ActorSystem<?> system, SluiceSettings settings, String instanceId,
      List<ActorRef<PermitCommand>> supervisors, Duration statsTimeout) {
    this(system, settings, instanceId, supervisors, List.of(), statsTimeout);
  }

  /**
   * @param journalPools the stats of the pools no supervisor governs (the event journal's), listed after the
   *     supervisors' in {@code /v1/pools}; each is read on the request's thread, so it must not block
   * @param statsTimeout how long to wait for each supervisor's {@link PoolStats} before answering 503
   */
  public HttpApi(ActorSystem<?> system, SluiceSettings settings, String instanceId,
      List<ActorRef<PermitCommand>> supervisors, List<Supplier<JournalPoolStats>> journalPools,
      Duration statsTimeout) {
    this(system, settings, instanceId, supervisors, journalPools, statsTimeout,
        () -> CompletableFuture.completedFuture(null), () -> null, () -> CompletableFuture.completedFuture(null),
        () -> null, () -> CompletableFuture.completedFuture(null));
  }

  private HttpApi(ActorSystem<?> system, SluiceSettings settings, String instanceId,
      List<ActorRef<PermitCommand>> supervisors, List<Supplier<JournalPoolStats>> journalPools,
      Duration statsTimeout, Supplier<CompletionStage<?>> emailHealth, Supplier<?> webhookHealth,
      Supplier<CompletionStage<?>> backgroundHealth, Supplier<ClusterView> cluster,
      Supplier<CompletionStage<?>> clusterBudget) {
    this.system = system;
    this.settings = settings;
    this.instanceId = instanceId;
    this.supervisors = List.copyOf(supervisors);
    this.journalPools = List.copyOf(journalPools);
    this.statsTimeout = statsTimeout;
    this.emailHealth = emailHealth;
    this.webhookHealth = webhookHealth;
    this.backgroundHealth = backgroundHealth;
    this.cluster = cluster;
    this.clusterBudget = clusterBudget;
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  /**
   * The same API whose {@code /health} also shows the summary email's state (its feature flag, transport and
   * outbox), so a switched-off flag is never silent.
   */
  public HttpApi withEmailHealth(Supplier<CompletionStage<?>> email) {
    return new HttpApi(system, settings, instanceId, supervisors, journalPools, statsTimeout, email, webhookHealth,
        backgroundHealth, cluster, clusterBudget);
  }

  /**
   * The same API whose {@code /health} also shows the webhook machinery's activity (entities alive, timers armed,
   * attempts in flight, messages pending), so that "nothing due, nothing held" can be seen.
   *
   * @param webhooks read on the request's thread, so it must not block
   */
  public HttpApi withWebhookHealth(Supplier<?> webhooks) {
    return new HttpApi(system, settings, instanceId, supervisors, journalPools, statsTimeout, emailHealth, webhooks,
        backgroundHealth, cluster, clusterBudget);
  }

  /**
   * The same API whose {@code /health} also shows the background services (schedules, campaign scheduler, webhook
   * retries): each one's switch, the timers it holds, its last run and next due time.
   *
   * @param background must not touch the database: an idle service's health check must not wake it
   */
  public HttpApi withBackgroundHealth(Supplier<CompletionStage<?>> background) {
    return new HttpApi(system, settings, instanceId, supervisors, journalPools, statsTimeout, emailHealth,
        webhookHealth, background, cluster, clusterBudget);
  }

  /**
   * The same API for a node of a cluster: ready only while this node is an Up member, and {@code /health} shows
   * {@code cluster} (self, status, members, unreachable, leader, oldest).
   *
   * @param view read on the request's thread, so it must not block
   */
  public HttpApi withCluster(Supplier<ClusterView> view) {
    return new HttpApi(system, settings, instanceId, supervisors, journalPools, statsTimeout, emailHealth,
        webhookHealth, backgroundHealth, view, clusterBudget);
  }

  /**
   * The same API whose {@code /v1/pools} ends with the cluster's connection budget: {@code "pool":"cluster-budget"},
   * this node's id, and the coordinator's view (the budget, what the nodes may hold together, each node's demand,
   * entitlement and share).
   *
   * @param budget never fails: a coordinator that does not answer is shown as such, the pools still are
   */
  public HttpApi withClusterBudget(Supplier<CompletionStage<?>> budget) {
    return new HttpApi(system, settings, instanceId, supervisors, journalPools, statsTimeout, emailHealth,
        webhookHealth, backgroundHealth, cluster, budget);
  }

  /**
   * The liveness, readiness and pool state of the process.
   *
   * @param email the summary email's flag, transport and outbox; null where the service has none
   * @param webhooks the webhook machinery's activity; null where the service has none
   * @param background each background service's {@code name, enabled, timers, lastRun, nextDue}; null where the
   *     service has none
   * @param cluster the cluster as this node sees it; null outside a cluster
   */
  public record Health(String status, boolean live, boolean ready, String mode, String instanceId, Budget budget,
      List<PoolState> pools, String problem, Object email, Object webhooks, Object background, ClusterView cluster) {}

  /** The email section when its state could not be read. */
  public record Unreadable(String error) {}

  /** The connection budget: every pool's worst case against {@code sluice.database.max-connections}. */
  public record Budget(int maxConnections, int worstCase, boolean fits, String arithmetic) {}

  /** One pool as the health view shows it. */
  public record PoolState(String name, int limit, int granted, int waiting, PoolStats.Physical physical,
      boolean drained, List<String> activeTimers) {}

  /** Every error body: what went wrong, for which path. */
  public record ErrorBody(int status, String error, String path) {}

  /** A refused request's body: {@link ErrorBody} plus, for bad input, every field that is wrong. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
  public record ProblemBody(int status, String error, String path, List<?> errors) {}

  public Route routes() {
    return routes(List.of());
  }

  /** The service's own routes followed by {@code product}'s, all under the same JSON error handling. */
  public Route routes(List<Route> product) {
    Route routes = concat(
        pathPrefix("health", () -> concat(
            path("live", () -> get(() -> json(StatusCodes.OK, new ErrorFree("UP")))),
            path("ready", () -> get(() -> onSuccess(health(), h -> json(statusOf(h), h)))),
            akka.http.javadsl.server.Directives.pathEndOrSingleSlash(() -> get(() ->
                onSuccess(health(), h -> json(statusOf(h), h)))))),
        path(akka.http.javadsl.server.PathMatchers.segment("v1").slash("pools"), () -> get(() ->
            onSuccess(allStats().thenCombine(clusterBudget.get(), this::poolEntries),
                entries -> json(StatusCodes.OK, entries)))),
        path("metrics", () -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, prometheusScrape())))),
        product.isEmpty() ? reject() : concat(product.get(0), product.subList(1, product.size()).toArray(Route[]::new)));
    return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> routes));
  }

  /** Body of {@code /health/live}. */
  public record ErrorFree(String status) {}

  private RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handle(akka.http.javadsl.server.MethodRejection.class, rejection ->
            error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed; use " + rejection.supported().name()))
        .handleNotFound(error(StatusCodes.NOT_FOUND, "no such resource"))
        .build()
        .withFallback(RejectionHandler.defaultHandler());
  }

  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .matchAny(thrown -> {
          Throwable failure = unwrap(thrown);
          if (failure instanceof SupervisorDidNotAnswerException silent) {
            return error(StatusCodes.SERVICE_UNAVAILABLE, silent.getMessage());
          }
          if (failure instanceof ApiProblem problem) {
            return extractUnmatchedPath(path -> json(problem.status(), new ProblemBody(problem.status().intValue(),
                problem.getMessage(), path, problem.errors())));
          }
          if (failure instanceof TimeoutException) {
            // An entity or actor the request asked did not answer in time: in a cluster most often one whose node
            // crashed and whose shard has not started elsewhere yet. Retrying is the client's remedy, not a bug.
            return extractUnmatchedPath(path -> {
              log.warn("HTTP {} unavailable: {}", path, failure.getMessage());
              return json(StatusCodes.SERVICE_UNAVAILABLE, new ErrorBody(503, "a part of the service did not answer"
                  + " in time (after a node's crash, until its entities have moved); retry the request", path));
            });
          }
          return extractUnmatchedPath(path -> {
            log.error("HTTP {} failed", path, failure);
            return json(StatusCodes.INTERNAL_SERVER_ERROR, new ErrorBody(500, "internal error", path));
          });
        })
        .build();
  }

  private Route error(StatusCode status, String message) {
    return extractUnmatchedPath(path -> json(status, new ErrorBody(status.intValue(), message, path)));
  }

  /** The failure itself, not the wrapper a future or a combined stage put around it. */
  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * Whether this node may take traffic: every pool supervisor answers and, in a cluster, the node is an Up member. What
   * {@code /health/ready} answers, without reading the rest of the health view; Akka Management's {@code /ready} asks
   * it too.
   */
  public CompletionStage<Boolean> ready() {
    return allStats().handle((stats, failure) -> failure == null && notUpProblem(cluster.get()) == null);
  }

  /** Why this node is not ready as a member of its cluster; null when it is Up or not clustered. */
  private static String notUpProblem(ClusterView view) {
    return view == null || view.up() ? null
        : "this node is not an Up member of its cluster: its status is " + view.status();
  }

  private CompletionStage<Health> health() {
    Budget budget = new Budget(settings.budget().maxConnections(), settings.budget().worstCase(),
        settings.budget().fits(), settings.budget().arithmetic());
    String mode = settings.mode().name().toLowerCase(Locale.ROOT);
    CompletionStage<Object> email = emailHealth.get().<Object>thenApply(state -> state)
        .exceptionally(failure -> new Unreadable(unwrap(failure).getMessage()));
    CompletionStage<Object> background = backgroundHealth.get().<Object>thenApply(state -> state)
        .exceptionally(failure -> new Unreadable(unwrap(failure).getMessage()));
    ClusterView clusterView = cluster.get();
    return allStats().handle((stats, failure) -> {
      if (failure != null) {
        return new Health("DOWN", true, false, mode, instanceId, budget, List.of(), unwrap(failure).getMessage(),
            null, null, null, clusterView);
      }
      List<PoolState> pools = new ArrayList<>();
      for (PoolStats s : stats) {
        pools.add(new PoolState(s.pool(), s.limit(), s.granted(), s.waiting(), s.physical(), s.drained(),
            s.activeTimers()));
      }
      String notUp = notUpProblem(clusterView);
      return new Health(notUp == null ? "UP" : "DOWN", true, notUp == null, mode, instanceId, budget, pools, notUp,
          null, null, null, clusterView);
    }).thenCombine(email, (health, emailState) -> new Health(health.status(), health.live(), health.ready(),
        health.mode(), health.instanceId(), health.budget(), health.pools(), health.problem(), emailState,
        webhookHealth.get(), null, health.cluster()))
        .thenCombine(background, (health, services) -> new Health(health.status(), health.live(), health.ready(),
            health.mode(), health.instanceId(), health.budget(), health.pools(), health.problem(), health.email(),
            health.webhooks(), services, health.cluster()));
  }

  /** Fails with {@link SupervisorDidNotAnswerException} naming the first supervisor that did not answer in time. */
  private CompletionStage<List<PoolStats>> allStats() {
    List<CompletableFuture<PoolStats>> asks = new ArrayList<>();
    for (ActorRef<PermitCommand> supervisor : supervisors) {
      asks.add(AskPattern.<PermitCommand, PoolStats>ask(supervisor, GetPoolStats::new, statsTimeout,
          system.scheduler()).toCompletableFuture().exceptionally(failure -> {
            Throwable cause = unwrap(failure);
            throw cause instanceof TimeoutException
                ? new SupervisorDidNotAnswerException(supervisor, statsTimeout, cause)
                : new CompletionException(cause);
          }));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(done -> asks.stream().map(CompletableFuture::join).toList());
  }

  /** The supervisors' stats, then the ungoverned pools', then the cluster's budget if any (see the class comment). */
  private List<Object> poolEntries(List<PoolStats> governed, Object budget) {
    List<Object> entries = new ArrayList<>(governed);
    for (Supplier<JournalPoolStats> journalPool : journalPools) {
      entries.add(journalPool.get());
    }
    if (budget != null) {
      entries.add(budget);
    }
    return entries;
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
