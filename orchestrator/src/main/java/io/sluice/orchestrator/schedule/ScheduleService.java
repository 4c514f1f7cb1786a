package io.sluice.orchestrator.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.ScheduleSettings;
import io.sluice.orchestrator.background.BackgroundStatus;
import io.sluice.orchestrator.background.BackgroundWork;
import io.sluice.orchestrator.background.DueWorkReport;
import io.sluice.orchestrator.campaign.Campaign;
import io.sluice.orchestrator.campaign.FieldError;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.orchestrator.http.JsonHttp;
import io.sluice.persistence.campaign.Campaigns;
import io.sluice.persistence.schedule.Firings;
import io.sluice.persistence.schedule.FiringRow;
import io.sluice.persistence.schedule.ScheduleRow;
import io.sluice.persistence.schedule.Schedules;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignReply;
import io.sluice.protocols.schedule.ScheduleAction;
import io.sluice.protocols.schedule.ScheduleSpec;
import io.sluice.protocols.schedule.SchedulerCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recurring schedules: registration (an idempotent upsert, checked first), the operations the API offers, and the
 * scheduler (a Cluster Singleton: one per cluster, correct without it through its firing keys). As
 * {@link BackgroundWork} named {@code schedules}: a tick fires what is due.
 */
public final class ScheduleService implements BackgroundWork {
  private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);
  static final String OWNER = "schedules";
  private static final Duration RETRY_LATER = Duration.ofSeconds(5);
  /** How many upcoming due times a schedule's view lists. */
  static final int UPCOMING = 5;

  private final ActorSystem<?> system;
  private final ScheduleSettings settings;
  private final Database database;
  private final ScheduleRequests requests;
  private final ScheduleMetrics metrics;
  private final ActorRef<SchedulerCommand> scheduler;
  private final boolean enabled;
  private final Clock clock;
  private final ScheduleRoutes routes;
  private final ScheduleActions actions;

  private ScheduleService(ActorSystem<?> system, ScheduleSettings settings, Database database,
      ScheduleRequests requests, ScheduleMetrics metrics, ActorRef<SchedulerCommand> scheduler, boolean enabled,
      ObjectMapper mapper, ScheduleActions actions, Clock clock) {
    this.system = system;
    this.actions = actions;
    this.settings = settings;
    this.database = database;
    this.requests = requests;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.enabled = enabled;
    this.clock = clock;
    this.routes = new ScheduleRoutes(this, new JsonHttp(system, mapper), settings.maxPayloadBytes());
  }

  /** {@code /v1/schedules} of one authenticated workspace; mount with {@code pathPrefixTest("schedules")}. */
  public Route routes(String workspaceId) {
    return routes.routes(workspaceId);
  }

  /**
   * Starts the scheduler, registers the jobs' system schedules and waits until the scheduler has read its table and
   * recorded what was due (a start whose system schedules cannot be written, or whose schedule table cannot be read,
   * fails).
   *
   * @param enabled false switches schedules off: registration still works, nothing fires
   * @param timers false in serverless mode: the scheduler holds no timer and fires on ticks only
   */
  public static ScheduleService start(ActorSystem<?> system, ScheduleSettings settings, Database database,
      ScheduledJobs jobs, ScheduleActions.EventPublication events, boolean enabled, boolean timers,
      ObjectMapper mapper, Clock clock) throws Exception {
    ScheduleMetrics metrics = new ScheduleMetrics();
    ScheduleActions actions = new ScheduleActions(events, campaignStart(system, database, settings), jobs, database,
        system, settings.handlersPerRun());
    SchedulerPorts ports = new SchedulerPorts(database, actions, metrics, clock, settings, enabled && timers,
        RETRY_LATER, SchedulerPorts.runEnds(database));
    ActorRef<SchedulerCommand> scheduler = ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.supervise(enabled ? Scheduler.create(ports) : Behaviors.<SchedulerCommand>ignore())
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
        "scheduler"));
    ScheduleService service = new ScheduleService(system, settings, database, new ScheduleRequests(settings, jobs),
        metrics, scheduler, enabled, mapper, actions, clock);
    for (ScheduleSpec spec : jobs.registrations()) {
      service.register(spec).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (enabled) {
      // Answered once the scheduler has read its table and recorded what was due at start (overdue schedules move
      // on): the start ends with that work done, not trailing it.
      service.runDue(clock.instant()).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    return service;
  }

  /** Scheduled runs in flight now, for exit-on-idle; never blocks. */
  public int runsInFlight() {
    return actions.inFlight();
  }

  ScheduleRequests requests() {
    return requests;
  }

  /**
   * Registers (creates, changes, or repeats unchanged) the schedule; the scheduler is told when the row changed.
   *
   * @throws ApiProblem (as the stage's failure) naming the field that is wrong
   */
  public CompletionStage<Schedules.Registration> register(ScheduleSpec spec) {
    try {
      requests.check(spec);
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Optional<Instant> first = Cadences.of(spec.cadence()).nextAfter(now, now);
    if (first.isEmpty()) {
      return CompletableFuture.failedFuture(ApiProblem.invalid("invalid schedule",
          List.of(JsonHttp.error("cron", "never falls due after now"))));
    }
    ScheduleRow candidate = ScheduleRows.row("sch_" + UUID.randomUUID().toString().replace("-", ""), spec,
        first.get(), now);
    return database.withConnection(null, owner(spec.workspace().id()), "register-schedule",
            Schedules.registerKnown(candidate))
        .thenApply(stored -> {
          Schedules.Registration registration = stored.orElseThrow(() -> ApiProblem.invalid("invalid schedule",
              List.of(unknownTarget(spec.action()))));
          if (registration.change() == Schedules.Change.UNCHANGED) {
            metrics.duplicateRegistration();
          } else {
            scheduler.tell(new SchedulerCommand.ScheduleChanged(registration.row().id()));
          }
          log.info("schedule {} ({}) of workspace {}: {}", registration.row().id(), spec.queue().name(),
              spec.workspace().isSystem() ? "system" : spec.workspace().id(), registration.change());
          return registration;
        });
  }

  /** Why {@link Schedules#registerKnown} refused: the event type or campaign is not the workspace's. */
  private static FieldError unknownTarget(ScheduleAction action) {
    if (action instanceof ScheduleAction.PublishEvent publish) {
      return JsonHttp.error("action.eventType", "'" + publish.eventType() + "' is not an event type of this"
          + " workspace");
    }
    return JsonHttp.error("action.campaignId", "this workspace has no campaign '"
        + ((ScheduleAction.StartCampaign) action).campaignId() + "'");
  }

  CompletionStage<Optional<ScheduleRow>> find(String workspaceId, String queue) {
    return database.withConnection(null, owner(workspaceId), "find-schedule", Schedules.find(workspaceId, queue));
  }

  CompletionStage<List<ScheduleRow>> list(String workspaceId) {
    return database.withConnection(null, owner(workspaceId), "list-schedules", Schedules.list(workspaceId));
  }

  CompletionStage<List<FiringRow>> recentFirings(String workspaceId, String scheduleId, int limit) {
    return database.withConnection(null, owner(workspaceId), "list-firings", Firings.recent(scheduleId, limit));
  }

  /** Pauses or resumes; a resumed schedule falls due next after now (what was due while paused is not fired). */
  CompletionStage<Optional<ScheduleRow>> setPaused(String workspaceId, String queue, boolean paused) {
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    return database.withConnection(null, owner(workspaceId), paused ? "pause-schedule" : "resume-schedule",
            Schedules.setPaused(workspaceId, queue, paused, row -> TrackedSchedule.of(row).cadence().nextAfter(
                row.nextDueAt(), now).orElse(row.nextDueAt()), now))
        .thenApply(row -> {
          row.ifPresent(changed -> scheduler.tell(new SchedulerCommand.ScheduleChanged(changed.id())));
          return row;
        });
  }

  CompletionStage<Boolean> delete(String workspaceId, String queue) {
    return database.withConnection(null, owner(workspaceId), "delete-schedule", Schedules.delete(workspaceId, queue))
        .thenApply(id -> {
          id.ifPresent(deleted -> scheduler.tell(new SchedulerCommand.ScheduleChanged(deleted)));
          return id.isPresent();
        });
  }

  CompletionStage<SchedulerCommand.RunNowReply> runNow(String scheduleId) {
    if (!enabled) {
      return CompletableFuture.failedFuture(ApiProblem.conflict("schedules are switched off"
          + " (sluice.background.schedules.enabled = false): nothing fires"));
    }
    return AskPattern.ask(scheduler, replyTo -> new SchedulerCommand.RunNow(scheduleId, replyTo),
        settings.askTimeout(), system.scheduler());
  }

  /** The next {@code count} due times after the row's next one (that one included). */
  static List<Instant> upcoming(ScheduleRow row, int count) {
    TrackedSchedule schedule = TrackedSchedule.of(row);
    List<Instant> times = new ArrayList<>();
    Optional<Instant> next = Optional.of(row.nextDueAt());
    while (next.isPresent() && times.size() < count) {
      times.add(next.get());
      next = schedule.cadence().nextAfter(row.nextDueAt(), next.get());
    }
    return times;
  }

  @Override
  public String name() {
    return "schedules";
  }

  @Override
  public CompletionStage<DueWorkReport> runDue(Instant now) {
    if (!enabled) {
      return CompletableFuture.completedFuture(new DueWorkReport(name(), 0, null));
    }
    return AskPattern.<SchedulerCommand, SchedulerCommand.DueFired>ask(scheduler,
            replyTo -> new SchedulerCommand.RunDue(now, replyTo), settings.askTimeout(), system.scheduler())
        .thenApply(fired -> new DueWorkReport(name(), fired.fired(), fired.nextDue()));
  }

  @Override
  public CompletionStage<BackgroundStatus> status() {
    if (!enabled) {
      return CompletableFuture.completedFuture(new BackgroundStatus(name(), false, 0, null, null));
    }
    return AskPattern.<SchedulerCommand, SchedulerCommand.SchedulerStatus>ask(scheduler,
            SchedulerCommand.GetStatus::new, settings.askTimeout(), system.scheduler())
        .thenApply(status -> new BackgroundStatus(name(), true, status.timers(), status.lastRun(), status.nextDue()));
  }

  private static String owner(String workspaceId) {
    return workspaceId == null ? OWNER : "workspace-" + workspaceId;
  }

  /** Starts a campaign of the workspace through its entity; a refusal fails the run with the campaign's reason. */
  private static ScheduleActions.CampaignStart campaignStart(ActorSystem<?> system, Database database,
      ScheduleSettings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (workspaceId, campaignId) -> database.withConnection(null, "workspace-" + workspaceId, "find-campaign",
            Campaigns.find(campaignId))
        .thenCompose(row -> {
          if (row.filter(campaign -> campaign.workspaceId().equals(workspaceId)).isEmpty()) {
            throw new IllegalStateException("the workspace has no campaign " + campaignId);
          }
          return sharding.entityRefFor(Campaign.ENTITY_KEY, campaignId).<CampaignReply>ask(
              replyTo -> new CampaignCommand.Start(null, replyTo), settings.askTimeout());
        })
        .thenApply(reply -> {
          if (reply instanceof CampaignReply.Refused refused) {
            throw new IllegalStateException("campaign " + campaignId + " refused to start: " + refused.reason());
          }
          return reply;
        });
  }
}
