package io.sluice.orchestrator.campaign;

import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.pathPrefixTest;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.server.Route;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.ApiKeySettings;
import io.sluice.config.BackgroundSettings;
import io.sluice.config.CallSlotSettings;
import io.sluice.config.CampaignLoad;
import io.sluice.config.CampaignSettings;
import io.sluice.config.ClassifierSettings;
import io.sluice.config.EmailSettings;
import io.sluice.config.PoolSettings;
import io.sluice.config.ProviderSettings;
import io.sluice.orchestrator.auth.WorkspaceAccess;
import io.sluice.orchestrator.callslots.CallSlotResource;
import io.sluice.orchestrator.callslots.CallSlots;
import io.sluice.orchestrator.classifier.ClassifierClient;
import io.sluice.orchestrator.classifier.ClassifierRefiner;
import io.sluice.orchestrator.classifier.SimulatedClassifier;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.email.EmailHealth;
import io.sluice.orchestrator.email.EmailRetries;
import io.sluice.orchestrator.email.SummaryEmailer;
import io.sluice.orchestrator.provider.CallProviderClient;
import io.sluice.orchestrator.provider.ProviderWebhookRoute;
import io.sluice.orchestrator.provider.SimulatedProvider;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.orchestrator.webhook.OperationalEvents;
import io.sluice.persistence.campaign.Campaigns;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.permit.PermitCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaign side of the service, assembled: the call-slot supervisor, the call provider (or the simulated one),
 * the classifier (optional, simulated or real), the summary emailer, the sharded campaign entities and their routes.
 *
 * <p>Start-up reads what was persisted once and never again: the campaigns to resume (woken through sharding), the
 * provider events stored but not processed (handed over again), the emails still owed (resent at their due time).
 * Nothing here runs on a period.
 */
public final class CampaignService {
  private static final Logger log = LoggerFactory.getLogger(CampaignService.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int REDELIVER_AT_START = 10_000;

  private final ActorSystem<?> system;
  private final Database database;
  private final ActorRef<PermitCommand> callSlotSupervisor;
  private final WorkspaceAccess access;
  private final ProviderWebhookRoute webhook;
  private final CampaignRoutes campaignRoutes;
  private final WorkspaceListRoutes listRoutes;
  private final SummaryEmailer emailer;
  private final CompletableFuture<String> callbackUrl;
  private final String configuredCallbackUrl;
  private final CampaignActivity activity;
  private final CampaignScheduler scheduler;
  private final EmailRetries emailRetries;

  private CampaignService(ActorSystem<?> system, Database database, ActorRef<PermitCommand> callSlotSupervisor,
      WorkspaceAccess access, ProviderWebhookRoute webhook, CampaignRoutes campaignRoutes,
      WorkspaceListRoutes listRoutes, SummaryEmailer emailer, CompletableFuture<String> callbackUrl,
      String configuredCallbackUrl, CampaignActivity activity, CampaignScheduler scheduler,
      EmailRetries emailRetries) {
    this.system = system;
    this.database = database;
    this.callSlotSupervisor = callSlotSupervisor;
    this.access = access;
    this.webhook = webhook;
    this.campaignRoutes = campaignRoutes;
    this.listRoutes = listRoutes;
    this.emailer = emailer;
    this.callbackUrl = callbackUrl;
    this.configuredCallbackUrl = configuredCallbackUrl;
    this.activity = activity;
    this.scheduler = scheduler;
    this.emailRetries = emailRetries;
  }

  /** Every setting the campaign side reads, validated before anything starts. */
  public record Settings(CampaignSettings campaigns, CallSlotSettings callSlots, ProviderSettings provider,
      ClassifierSettings classifier, EmailSettings email, ApiKeySettings apiKeys) {

    /**
     * Also checks that the campaigns' worst-case database work fits what the {@code db} pool can grant or queue.
     *
     * @throws io.sluice.config.SettingsException naming the first section's wrong keys
     */
    public static Settings from(com.typesafe.config.Config config, PoolSettings dbPool) {
      Settings settings = new Settings(CampaignSettings.from(config), CallSlotSettings.from(config),
          ProviderSettings.from(config), ClassifierSettings.from(config), EmailSettings.from(config),
          ApiKeySettings.from(config));
      CampaignLoad.check(dbPool, settings.callSlots());
      log.info("campaign database load: {}", CampaignLoad.arithmetic(dbPool, settings.callSlots()));
      return settings;
    }
  }

  /**
   * Starts the simulated peers that are switched on, the call-slot supervisor and the campaign entities.
   *
   * @param events where the campaigns' own webhook events go ({@code campaign.completed}, {@code call.completed},
   *     {@code lead.hot})
   */
  public static CampaignService start(ActorSystem<?> system, Settings settings, Database database,
      OperationalEvents events, Clock clock) throws Exception {
    return start(system, settings, BackgroundSettings.standalone(), database, events, clock);
  }

  /**
   * As {@link #start(ActorSystem, Settings, Database, OperationalEvents, Clock)}, with the entities' timers armed
   * or not as {@code background} says for the campaign scheduler.
   */
  public static CampaignService start(ActorSystem<?> system, Settings settings, BackgroundSettings background,
      Database database, OperationalEvents events, Clock clock) throws Exception {
    ObjectMapper mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    ProviderSettings provider = startSimulatedProvider(system, settings.provider());
    CallProviderClient providerClient = new CallProviderClient(system, provider);
    Optional<CallRefiner> refiner = startClassifier(system, settings.classifier());

    CallSlotSettings slotSettings = settings.callSlots();
    CallSlotResource slots = new CallSlotResource(slotSettings.capacity());
    ActorRef<PermitCommand> slotSupervisor = system.systemActorOf(
        Behaviors.supervise(CallSlots.supervisor(slotSettings, slots, System::nanoTime))
            .onFailure(SupervisorStrategy.resume()),
        CallSlots.SUPERVISOR_NAME, DispatcherSelector.fromConfig(Database.PERMIT_DISPATCHER));
    CallSlots callSlots = new CallSlots(slotSupervisor, slots, system, slotSettings.defaultMaxWait());

    CampaignActivity activity = new CampaignActivity();
    SummaryEmailer emailer = SummaryEmailer.create(settings.email(), database, system, clock,
        background.armsTimers(BackgroundSettings.EMAIL_RETRY));
    CompletableFuture<String> callbackUrl = new CompletableFuture<>();
    CampaignSettings campaigns = settings.campaigns();
    CampaignPorts ports = new CampaignPorts(new LeadTable(database, clock),
        new ProviderCallPlacer(providerClient, mapper, callbackUrl::join), refiner,
        new PublishedCompletions(events, new EmailedSummaries(emailer, database)), new LocalWindowClock(QuietHours.from(campaigns)), slotSupervisor,
        callSlots::throttled, clock, campaigns.callSlotWait(), campaigns.retryLater(),
        new PublishedCallEvents(events), activity,
        background.armsTimers(BackgroundSettings.CAMPAIGN_SCHEDULER));
    Campaign.init(system, ports);

    StandardWebhooks verifier = new StandardWebhooks(provider.webhookSecret(), provider.timestampTolerance(), clock);
    ProviderWebhookRoute webhook = new ProviderWebhookRoute(system, verifier, database, null,
        new CallReports(system, campaigns.askTimeout()), clock);
    WorkspaceAccess access = WorkspaceAccess.create(system, database, settings.apiKeys());
    CampaignRoutes campaignRoutes = new CampaignRoutes(system, mapper, database, campaigns,
        system.dispatchers().lookup(DispatcherSelector.blocking()), clock, campaigns.askTimeout());
    return new CampaignService(system, database, slotSupervisor, access, webhook, campaignRoutes,
        new WorkspaceListRoutes(mapper, database, clock), emailer, callbackUrl, provider.callbackUrl(), activity,
        new CampaignScheduler(system, database, activity, background.enabled(BackgroundSettings.CAMPAIGN_SCHEDULER)),
        emailer.retries(background.enabled(BackgroundSettings.EMAIL_RETRY)));
  }

  /**
   * With the simulated provider on, starts it and points the client at it; without a configured webhook secret
   * both sides share one generated for this run.
   */
  private static ProviderSettings startSimulatedProvider(ActorSystem<?> system, ProviderSettings provider)
      throws Exception {
    if (!provider.simulated().enabled()) {
      return provider;
    }
    String secret = provider.webhookSecret().isEmpty() ? StandardWebhooks.generateSecret() : provider.webhookSecret();
    SimulatedProvider simulated = SimulatedProvider.start(system, provider.simulated(), secret)
        .toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    log.info("simulated call provider at {} (no real calls are placed)", simulated.url());
    return new ProviderSettings(simulated.url(), provider.apiKey(), secret, provider.timestampTolerance(),
        provider.requestTimeout(), provider.maxRetries(), provider.minBackoff(), provider.maxBackoff(),
        provider.callsPerSecond(), provider.maxConcurrentRequests(), provider.queueSize(), provider.callbackUrl(),
        provider.simulated());
  }

  private static Optional<CallRefiner> startClassifier(ActorSystem<?> system, ClassifierSettings classifier)
      throws Exception {
    if (!classifier.enabled()) {
      return Optional.empty();
    }
    ClassifierSettings effective = classifier;
    if (classifier.simulated().enabled()) {
      SimulatedClassifier simulated = SimulatedClassifier.start(system, classifier.simulated().port(),
          classifier.simulated().latency()).toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      log.info("simulated classifier at {}", simulated.url());
      effective = classifier.withUrl(simulated.url());
    }
    return Optional.of(new ClassifierRefiner(system, new ClassifierClient(system, effective)));
  }

  /** The call-slot supervisor, for the pool views. */
  public ActorRef<PermitCommand> callSlotSupervisor() {
    return callSlotSupervisor;
  }

  /**
   * The provider webhook and admin routes, then the workspace routes behind their API key (which answers 401): the
   * campaigns' own and {@code others} (the webhook API), mounted under {@code /v1/<prefix>} for each of
   * {@code otherPrefixes}. Only those prefixes ask for a key, so an unknown path is still a 404.
   */
  public List<Route> routes(Function<String, Route> others, List<String> otherPrefixes) {
    Route workspaceRoutes = access.authenticated(workspace -> {
      String workspaceId = workspace.toString();
      return concat(campaignRoutes.routes(workspaceId), listRoutes.routes(workspaceId), others.apply(workspaceId));
    });
    List<Route> prefixes = new ArrayList<>();
    for (String prefix : List.of("campaigns", "do-not-call", "notification-preferences")) {
      prefixes.add(pathPrefixTest(prefix, () -> workspaceRoutes));
    }
    for (String prefix : otherPrefixes) {
      prefixes.add(pathPrefixTest(prefix, () -> workspaceRoutes));
    }
    return List.of(webhook.route(), access.adminRoutes(), pathPrefix("v1", () ->
        concat(prefixes.get(0), prefixes.subList(1, prefixes.size()).toArray(Route[]::new))));
  }

  /** The campaigns' part of a tick and of {@code /health}'s background view. */
  public CampaignScheduler scheduler() {
    return scheduler;
  }

  /** The owed summary emails' part of a tick and of {@code /health}'s background view. */
  public EmailRetries emailRetries() {
    return emailRetries;
  }

  /** Summary email attempts under way on this node; never blocks. */
  public int emailAttemptsInFlight() {
    return emailer.attemptsInFlight();
  }

  /** Timers and attempts in flight on this node; never blocks. */
  public CampaignActivity.Snapshot activity() {
    return activity.snapshot();
  }

  public CompletionStage<EmailHealth> emailHealth() {
    return emailer.health();
  }

  /** The email flag and transport only, without reading the outbox (serverless mode: health never queries). */
  public CompletionStage<EmailHealth> emailHealthWithoutOutbox() {
    return CompletableFuture.completedFuture(emailer.healthWithoutOutbox());
  }

  /**
   * Once HTTP is bound: fixes the provider's callback address, creates the first API key on a fresh database, and
   * resumes from what was persisted — owed emails, unprocessed provider events, running and scheduled campaigns.
   */
  public void resume(String httpHost, int httpPort) throws Exception {
    callbackUrl.complete(configuredCallbackUrl.isEmpty()
        ? "http://" + httpHost + ":" + httpPort + "/v1/provider/events" : configuredCallbackUrl);
    access.ensureFirstKey().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    int emails = emailer.resumePending().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    int campaigns = wakeResumable().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    // In the background: each event goes to its (now waking) campaign, which may take a while to recover.
    webhook.redeliverUnprocessed(REDELIVER_AT_START).whenComplete((events, failure) -> {
      if (failure != null) {
        log.warn("unprocessed provider events not handed over: {}", failure.toString());
      } else if (events > 0) {
        log.info("{} unprocessed provider event(s) handed over again", events);
      }
    });
    log.info("resumed {} campaign(s); {} summary email(s) owed", campaigns, emails);
  }

  /**
   * After a node left the cluster: wakes the campaigns that should run (those it hosted start elsewhere), then hands
   * over again the provider events stored while they could not be reached (their asks timed out, so the events were
   * kept unprocessed). Answers what it did, for the log.
   */
  public CompletionStage<String> resumeAfterMemberRemoved() {
    return wakeResumable().thenCompose(woken -> webhook.redeliverUnprocessed(REDELIVER_AT_START)
        .thenApply(events -> woken + " campaign(s), " + events + " provider event(s) handed over again"));
  }

  /**
   * Wakes every running or scheduled campaign the table lists, wherever sharding places it (a woken campaign that is
   * already awake does nothing new): at start-up, and when a node left the cluster with campaigns on it. Answers how
   * many were woken.
   */
  public CompletionStage<Integer> wakeResumable() {
    ClusterSharding sharding = ClusterSharding.get(system);
    return database.withConnection(null, "campaign-service", "campaigns-to-resume", Campaigns.toResume())
        .thenApply(rows -> {
          rows.forEach(row -> sharding.entityRefFor(Campaign.ENTITY_KEY, row.id()).tell(CampaignCommand.Wake.INSTANCE));
          return rows.size();
        });
  }
}
