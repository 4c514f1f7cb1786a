package io.sluice.orchestrator;

import static akka.http.javadsl.server.Directives.concat;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.sluice.config.BackgroundSettings;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.config.ClusterWideSettings;
import io.sluice.config.Mode;
import io.sluice.config.SluiceSettings;
import io.sluice.config.ScheduleSettings;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.budget.ClusterBudget;
import io.sluice.orchestrator.background.BackgroundServices;
import io.sluice.orchestrator.background.TickRoute;
import io.sluice.orchestrator.campaign.CampaignService;
import io.sluice.orchestrator.cluster.ClusterNode;
import io.sluice.orchestrator.cluster.ResumeOnMemberRemoved;
import io.sluice.orchestrator.cluster.ClusterView;
import io.sluice.orchestrator.cluster.NodeReadiness;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.http.HttpApi;
import io.sluice.orchestrator.idle.HttpActivity;
import io.sluice.orchestrator.idle.IdleExit;
import io.sluice.orchestrator.idle.InFlightWork;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.orchestrator.schedule.ScheduleService;
import io.sluice.orchestrator.schedule.ScheduledJobs;
import io.sluice.orchestrator.webhook.WebhookService;
import io.sluice.persistence.GovernedPool;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.InstanceRegistry;
import io.sluice.persistence.Migrations;
import io.sluice.persistence.ServerSettings;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.protocols.permit.PermitCommand;
import kamon.Kamon;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the actor system (a node of an Akka Cluster, alone by default, see {@link ClusterNode}), the
 * governed pool with its supervisor, the database facade, the journal pool of the event-sourced entities and the HTTP
 * API. Everything is released by Akka's coordinated shutdown, in phase order: HTTP unbinds, the instance row is
 * stamped, sharded entities stop and the node leaves its cluster, then the supervisor stops and only after it has
 * stopped does the pool close. The order matters: the supervisor's PostStop retires what is still leased (cancelling
 * and aborting connections through the pool) and answers every waiter SHUTTING_DOWN, which it cannot do on a closed
 * pool. The journal pool closes last, once the actor system has terminated: the journal and snapshot-store actors are
 * the last users of it.
 */
public final class Sluice {
  /**
   * The JVM property that sizes {@link java.util.concurrent.ForkJoinPool#commonPool()}. Below 2 (its default on a
   * 2-core machine is 1) {@code CompletableFuture} runs every asynchronous continuation on a new thread, and the
   * {@code CompletionStage}s of Akka's Java API (asks, HTTP requests) run theirs asynchronously: measured, that cut
   * webhook deliveries to a quarter. {@code Main} sets it; an application embedding Sluice sets it on its command
   * line ({@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}), and {@link #start} warns without it.
   */
  public static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  private static final Logger log = LoggerFactory.getLogger(Sluice.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** Well within the phase's time-out (application.conf), so the pool still closes if the supervisor hangs. */
  private static final Duration SUPERVISOR_STOP_TIMEOUT = Duration.ofSeconds(4);

  private final ActorSystem<?> system;
  private final ServerBinding binding;
  private final String instanceId;
  private final Database database;
  private final JournalPool journalPool;

  private Sluice(ActorSystem<?> system, ServerBinding binding, String instanceId, Database database,
      JournalPool journalPool) {
    this.system = system;
    this.binding = binding;
    this.instanceId = instanceId;
    this.database = database;
    this.journalPool = journalPool;
  }

  /**
   * Validates the settings, runs the migrations (unless {@code sluice.database.migrate-on-start} is off), opens the
   * pools, starts the actor system (and Akka Management, when enabled), waits until the node is an Up member of its
   * cluster (itself alone, or joined through seed nodes or Cluster Bootstrap), starts the actors and binds HTTP.
   *
   * @throws io.sluice.config.SettingsException naming every invalid key
   * @throws io.sluice.orchestrator.cluster.ClusterJoinException when the node is not Up within
   *     {@code sluice.cluster.join-timeout}, naming the seeds (or bootstrap) and the setting
   */
  public static Sluice start(Config config) throws Exception {
    return start(config, ScheduledJobs.none());
  }

  /**
   * {@link #start(Config)} with jobs registered in code, which {@code run-job} schedules may name, and the schedules
   * registered with them (an idempotent upsert at every start).
   */
  public static Sluice start(Config config, ScheduledJobs jobs) throws Exception {
    SluiceSettings settings = SluiceSettings.from(config);
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      log.warn("the JVM's common pool has parallelism {}: every asynchronous continuation runs on a new thread;"
          + " start the JVM with -D{}=2 (or more)", java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(),
          COMMON_POOL_PARALLELISM);
    }
    CampaignService.Settings campaignSettings = CampaignService.Settings.from(config, settings.dbPool());
    WebhookSettings webhookSettings = WebhookSettings.from(config);
    ScheduleSettings scheduleSettings = ScheduleSettings.from(config, settings.dbPool());
    BackgroundSettings background = BackgroundSettings.from(config);
    ClusterBudgetSettings clusterBudget = ClusterBudgetSettings.from(config, settings.dbPool(), settings.cluster());
    Kamon.init(config);
    log.info("connection budget: {}", settings.budget().arithmetic());
    if (settings.database().migrateOnStart()) {
      // On Flyway's own short-lived connections, before the pool opens any.
      Migrations.run(settings.database());
    }
    GovernedPool pool = HikariGovernedPool.open(settings.database(), settings.dbPool());
    if (clusterBudget.enabled()) {
      ClusterBudget.holdMinimum(pool, clusterBudget);
    }
    JournalPool journalPool;
    try {
      journalPool = JournalPool.open(settings.database(), settings.journalPool());
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    CompletableFuture<ActorRef<PermitCommand>> supervisorRef = new CompletableFuture<>();
    ActorSystem<ServiceGuardian.Command> system;
    try {
      // From here on the journal pool closes when the system terminates.
      system = ClusterNode.create(ServiceGuardian.create(
          Behaviors.supervise(PoolSupervisor.create(settings.dbPool(), pool, settings.dbLimit(), System::nanoTime))
              .onFailure(SupervisorStrategy.resume()),
          "pool-" + settings.dbPool().name(), supervisorRef), "sluice", config, settings.cluster(),
          settings.management(), ClusterWideSettings.of(settings, clusterBudget), journalPool);
    } catch (RuntimeException e) {
      pool.close();
      journalPool.close();
      throw e;
    }
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "stop-supervisor-then-close-pool-" + pool.name(), () -> stopSupervisorThenClose(system, pool));
    try {
      ClusterNode.startManagement(system, settings.management()).toCompletableFuture()
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      ClusterNode.awaitUp(system, settings.cluster());
      ActorRef<PermitCommand> supervisor = supervisorRef.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Optional<ClusterBudget> budgetShare = clusterBudget.enabled()
          ? Optional.of(ClusterBudget.start(system, clusterBudget, settings.budget().maxConnections(),
              settings.dbPool().maxSize(), supervisor, pool, journalPool))
          : Optional.empty();
      Database database = new Database(supervisor, pool,
          system.dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")), system,
          settings.dbPool().defaultMaxWait());
      String instanceId = UUID.randomUUID().toString();
      database.withConnection(null, "sluice-instance", "record-start",
              InstanceRegistry.recordStart(instanceId, hostName(), Instant.now()))
          .toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!settings.database().isH2() && !database.withConnection(null, "sluice-instance", "read-autovacuum",
          ServerSettings.autovacuum()).toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn("PostgreSQL runs without autovacuum: the lead and webhook tables' dead rows will slow every due-work"
            + " read until they are vacuumed; turn it on (ALTER SYSTEM SET autovacuum = on) or VACUUM regularly");
      }
      shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "record-instance-stop", () ->
          database.withConnection(null, "sluice-instance", "record-stop",
                  InstanceRegistry.recordStop(instanceId, Instant.now()))
              .<Done>thenApply(rows -> Done.getInstance())
              .exceptionally(e -> {
                log.warn("could not record the stop of instance {}: {}", instanceId, e.toString());
                return Done.getInstance();
              }));
      ObjectMapper mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
      WebhookService webhooks = WebhookService.start(system, webhookSettings, background, database, mapper,
          Clock.systemUTC());
      CampaignService campaigns = CampaignService.start(system, campaignSettings, background, database,
          webhooks.events(), Clock.systemUTC());
      ScheduleService schedules = ScheduleService.start(system, scheduleSettings, database, jobs,
          webhooks.publisher()::publish, background.enabled(BackgroundSettings.SCHEDULES),
          background.armsTimers(BackgroundSettings.SCHEDULES), mapper, Clock.systemUTC());
      // One line per background service; each name has its switch in BackgroundSettings.
      BackgroundServices services = new BackgroundServices(List.of(schedules, campaigns.scheduler(),
          webhooks.retries(), campaigns.emailRetries()), background, Clock.systemUTC());
      List<ActorRef<PermitCommand>> supervisors = List.of(supervisor, campaigns.callSlotSupervisor());
      HttpApi api = new HttpApi(system, settings, instanceId, supervisors, List.of(journalPool::stats),
          HttpApi.DEFAULT_STATS_TIMEOUT)
          // In serverless mode a health check must not wake the database: the outbox counts are not read.
          .withEmailHealth(background.mode() == Mode.SERVERLESS ? campaigns::emailHealthWithoutOutbox
              : campaigns::emailHealth)
          .withWebhookHealth(webhooks::health)
          .withBackgroundHealth(services::status)
          .withCluster(() -> ClusterView.of(system));
      if (budgetShare.isPresent()) {
        ClusterBudget share = budgetShare.get();
        api = api.withClusterBudget(() -> share.poolEntry(HttpApi.DEFAULT_STATS_TIMEOUT));
      }
      List<Route> product = new ArrayList<>();
      product.add(new TickRoute(services, mapper).route());
      product.addAll(campaigns.routes(workspace -> concat(webhooks.routes(workspace), schedules.routes(workspace)),
          List.of("events", "webhooks", "schedules")));
      AtomicReference<ActorRef<IdleExit.Command>> idleExit = new AtomicReference<>();
      HttpActivity http = new HttpActivity(() -> {
        ActorRef<IdleExit.Command> exit = idleExit.get();
        if (exit != null) {
          exit.tell(IdleExit.Activity.INSTANCE);
        }
      });
      Route routes = api.routes(product);
      ServerBinding binding = Http.get(system)
          .newServerAt(settings.http().host(), settings.http().port())
          .bind(background.exitOnIdle().isPresent() ? http.counted(routes) : routes)
          .toCompletableFuture()
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      // Akka Management's /ready (when enabled) answers as /health/ready from now on.
      NodeReadiness.get(system).serviceReadiness(api::ready);
      campaigns.resume(binding.localAddress().getHostString(), binding.localAddress().getPort());
      webhooks.resume();
      ResumeOnMemberRemoved.init(system, () -> campaigns.resumeAfterMemberRemoved().thenCombine(
          webhooks.wakePending(), (resumed, endpoints) -> resumed + ", " + endpoints + " webhook endpoint(s)"));
      background.exitOnIdle().ifPresent(quiet -> {
        InFlightWork inFlight = new InFlightWork(system, supervisors, List.of(http::inFlight,
            () -> journalPool.stats().borrowed(), () -> webhooks.activity().inFlight(),
            () -> campaigns.activity().attemptsInFlight(), campaigns::emailAttemptsInFlight,
            schedules::runsInFlight));
        idleExit.set(system.systemActorOf(IdleExit.create(quiet, inFlight::busy,
            () -> CoordinatedShutdown.get(system).runAll(IdleExit.REASON)), "idle-exit", Props.empty()));
      });
      log.info("background services: {}", background);
      log.info("Sluice started: instance={} mode={} http=http://{}:{} cluster={}", instanceId,
          settings.mode().name().toLowerCase(java.util.Locale.ROOT), binding.localAddress().getHostString(),
          binding.localAddress().getPort(), akka.cluster.typed.Cluster.get(system).selfMember().address());
      return new Sluice(system, binding, instanceId, database, journalPool);
    } catch (Exception e) {
      // Not system.terminate(): under Main's exit-jvm that would exit the JVM with code 0 before Main reports this.
      shutdown.runAll(StartFailed.INSTANCE);
      system.getWhenTerminated().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * The reason coordinated shutdown runs for when a start fails after the actor system exists; {@code application.conf}
   * switches {@code exit-jvm} off for it, so that the caller reports the failure (Main: exit code 1).
   */
  private static final class StartFailed implements CoordinatedShutdown.Reason {
    static final StartFailed INSTANCE = new StartFailed();

    @Override
    public String toString() {
      return "StartFailed";
    }
  }

  /** The pool closes even if the supervisor does not stop in time: the process is going away either way. */
  private static CompletionStage<Done> stopSupervisorThenClose(ActorSystem<ServiceGuardian.Command> system,
      GovernedPool pool) {
    return AskPattern.<ServiceGuardian.Command, Done>ask(system, ServiceGuardian.StopSupervisor::new,
            SUPERVISOR_STOP_TIMEOUT, system.scheduler())
        .handle((stopped, failure) -> {
          if (failure != null) {
            log.warn("pool '{}': supervisor did not stop within {}; closing the pool anyway", pool.name(),
                SUPERVISOR_STOP_TIMEOUT);
          }
          pool.close();
          log.info("pool '{}' closed", pool.name());
          return Done.getInstance();
        });
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  public ActorSystem<?> system() {
    return system;
  }

  public InetSocketAddress httpAddress() {
    return binding.localAddress();
  }

  public String instanceId() {
    return instanceId;
  }

  /** The facade to the service's pool, for work that runs inside this process. */
  public Database database() {
    return database;
  }

  /** The pool the event journal and snapshot store use; for its stats ({@link JournalPool#stats()}). */
  public JournalPool journalPool() {
    return journalPool;
  }

  /** Runs coordinated shutdown and completes when the actor system has terminated. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }
}
