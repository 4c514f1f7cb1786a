package io.sluice.orchestrator.campaign;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import io.sluice.orchestrator.dispatch.DeepStackExecutor;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignCommand.AddLeads;
import io.sluice.protocols.campaign.CampaignCommand.Cancel;
import io.sluice.protocols.campaign.CampaignCommand.Create;
import io.sluice.protocols.campaign.CampaignCommand.Get;
import io.sluice.protocols.campaign.CampaignCommand.Pause;
import io.sluice.protocols.campaign.CampaignCommand.ReportOutcome;
import io.sluice.protocols.campaign.CampaignCommand.Resume;
import io.sluice.protocols.campaign.CampaignCommand.Start;
import io.sluice.protocols.campaign.CampaignCommand.Wake;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CampaignReply;
import io.sluice.protocols.campaign.CampaignStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * One outbound calling campaign, event-sourced and sharded by campaign id.
 *
 * <p>The model: the journal holds the campaign's terms, its life ({@code DRAFT → SCHEDULED → RUNNING ⇄ PAUSED →
 * COMPLETED}, or {@code CANCELLED}), its counters and the lead attempts in flight ({@link CampaignState}); the leads
 * themselves, their attempts and outcomes live in the lead table ({@link LeadBook}), so the state does not grow with
 * the lead count. Every future due time is persisted somewhere: a scheduled start in the journal, each lead's next
 * attempt (its retry, or its next calling window) in the lead table. The entity therefore holds at most one timer —
 * for the scheduled start, or for the earliest lead due — and none when it has no work; a restart resumes from what
 * was persisted, read once.
 *
 * <p>Lifecycle commands are handled here, split by status; dialling and settling calls is {@link Dialler}'s concern
 * (with {@link DueLeads} and {@link Settler}).
 * Every change of status is also written to the campaign's read-side row, under a database permit.
 */
public final class Campaign
    extends EventSourcedBehaviorWithEnforcedReplies<CampaignCommand, CampaignEvent, CampaignState> {

  public static final EntityTypeKey<CampaignCommand> ENTITY_KEY =
      EntityTypeKey.create(CampaignCommand.class, "Campaign");

  static final String START_TIMER = "scheduled-start";

  /** The scheduled start is due. */
  enum StartDue implements CampaignCommand, akka.actor.NoSerializationVerificationNeeded {
    INSTANCE
  }

  private final ActorContext<CampaignCommand> context;
  private final CampaignTimers timers;
  private final CampaignPorts ports;
  private final Dialler dialler;

  private Campaign(String campaignId, ActorContext<CampaignCommand> context,
      TimerScheduler<CampaignCommand> timers, CampaignPorts ports) {
    super(PersistenceId.of(ENTITY_KEY.name(), campaignId));
    this.context = context;
    this.timers = new CampaignTimers(timers, ports.activity(), ports.armsTimers());
    this.ports = ports;
    this.dialler = new Dialler(campaignId, context, this.timers, ports, this::Effect, this::completeIfDone);
  }

  /**
   * Registers the sharded campaign entity. Campaigns are never passivated for idleness: a running campaign waiting
   * for its leads' next window holds a timer that passivation would silently drop.
   */
  public static void init(ActorSystem<?> system, CampaignPorts ports) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), ports))
        .withEntityProps(DeepStackExecutor.ENTITY_DISPATCHER)
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static Behavior<CampaignCommand> create(String campaignId, CampaignPorts ports) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Campaign(campaignId, context, timers, ports)));
  }

  @Override
  public CampaignState emptyState() {
    return CampaignState.blank();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public EventHandler<CampaignState, CampaignEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(CampaignState::apply);
  }

  @Override
  public SignalHandler<CampaignState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> {
          timers.stopped();
          dialler.stopped();
        })
        .build();
  }

  @Override
  public CommandHandlerWithReply<CampaignCommand, CampaignEvent, CampaignState> commandHandler() {
    CommandHandlerWithReplyBuilder<CampaignCommand, CampaignEvent, CampaignState> builder =
        newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(Get.class, (state, get) -> refuse(get.replyTo(), state, "no such campaign"));
    builder.forState(state -> state.status() == CampaignStatus.DRAFT)
        .onCommand(AddLeads.class, this::onAddLeads)
        .onCommand(Start.class, this::onStart);
    builder.forState(state -> state.status() == CampaignStatus.SCHEDULED)
        .onCommand(StartDue.class, (state, due) -> {
          timers.fired(START_TIMER);
          return onStartDue(state);
        });
    builder.forState(state -> state.status() == CampaignStatus.RUNNING)
        .onCommand(Pause.class, this::onPause);
    builder.forState(state -> state.status() == CampaignStatus.PAUSED)
        .onCommand(Resume.class, this::onResume);
    builder.forState(state -> state.exists() && !state.status().isFinal())
        .onCommand(Cancel.class, this::onCancel);
    builder.forState(CampaignState::exists)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), accepted(state)))
        .onCommand(ReportOutcome.class, dialler::onReport);
    builder.forAnyState()
        .onCommand(Wake.class, this::onWake)
        .onCommand(Dialler.Step.class, dialler::onStep)
        .onCommand(StartDue.class, (state, due) -> {
          timers.fired(START_TIMER);
          return Effect().noReply();
        })
        .onCommand(Create.class, (state, create) -> refuse(create.replyTo(), state, "campaign already exists"))
        .onCommand(AddLeads.class, (state, add) -> refuse(add.replyTo(), state, "leads can only be added to a draft"))
        .onCommand(Start.class, (state, start) -> refuse(start.replyTo(), state, "only a draft can be started"))
        .onCommand(Pause.class, (state, pause) -> refuse(pause.replyTo(), state, "only a running campaign can pause"))
        .onCommand(Resume.class, (state, resume) -> refuse(resume.replyTo(), state,
            "only a paused campaign can resume"))
        .onCommand(Cancel.class, (state, cancel) -> refuse(cancel.replyTo(), state,
            "a " + state.status() + " campaign cannot be cancelled"))
        .onCommand(ReportOutcome.class, (state, report) -> Effect().reply(report.replyTo(), Done.getInstance()));
    return builder.build();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onCreate(CampaignState state, Create create) {
    String campaignId = persistenceId().entityId();
    return Effect().persist(new CampaignEvent.Created(campaignId, create.terms(), now()))
        .thenRun(this::saveView)
        .thenReply(create.replyTo(), this::accepted);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onAddLeads(CampaignState state, AddLeads add) {
    if (add.count() <= 0) {
      return refuse(add.replyTo(), state, "count must be positive");
    }
    return Effect().persist(new CampaignEvent.LeadsAdded(add.count()))
        .thenRun(this::saveView)
        .thenReply(add.replyTo(), this::accepted);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onStart(CampaignState state, Start start) {
    if (state.leadCount() == 0) {
      return refuse(start.replyTo(), state, "a campaign without leads cannot start");
    }
    Instant now = now();
    if (start.at() != null && start.at().isAfter(now)) {
      return Effect().persist(new CampaignEvent.StartScheduled(start.at()))
          .thenRun(started -> {
            armStart(started);
            saveView(started);
          })
          .thenReply(start.replyTo(), this::accepted);
    }
    return Effect().persist(new CampaignEvent.Started(now))
        .thenRun(this::running)
        .thenReply(start.replyTo(), this::accepted);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onStartDue(CampaignState state) {
    return Effect().persist(new CampaignEvent.Started(now())).thenRun(this::running).thenNoReply();
  }

  /**
   * Whatever is due now: a scheduled start whose time came, due leads of a running campaign, an owed summary
   * hand-over (a second hand-over sends nothing twice). Sent at start-up to the campaigns to resume and, in serverless
   * mode, by a tick to the campaigns with due work.
   */
  private ReplyEffect<CampaignEvent, CampaignState> onWake(CampaignState state, Wake wake) {
    if (state.status() == CampaignStatus.SCHEDULED && !state.startAt().isAfter(now())) {
      timers.cancel(START_TIMER);
      return onStartDue(state);
    }
    return Effect().none().thenRun(woken -> {
      if (woken.status() == CampaignStatus.COMPLETED && !woken.summaryHandedOver()) {
        dialler.handOverSummary(woken);
      } else {
        dialler.dialMore();
      }
    }).thenNoReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> onPause(CampaignState state, Pause pause) {
    return Effect().persist(new CampaignEvent.Paused(now()))
        .thenRun(paused -> {
          dialler.stopWaking();
          saveView(paused);
        })
        .thenReply(pause.replyTo(), this::accepted);
  }

  private ReplyEffect<CampaignEvent, CampaignState> onResume(CampaignState state, Resume resume) {
    return Effect().persist(new CampaignEvent.Resumed(now()))
        .thenRun(this::running)
        .thenReply(resume.replyTo(), this::accepted);
  }

  /** Calls already placed still settle (their outcomes are recorded); nothing new is dialled. */
  private ReplyEffect<CampaignEvent, CampaignState> onCancel(CampaignState state, Cancel cancel) {
    return Effect().persist(new CampaignEvent.Cancelled(now()))
        .thenRun(cancelled -> {
          timers.cancel(START_TIMER);
          dialler.stopWaking();
          saveView(cancelled);
        })
        .thenReply(cancel.replyTo(), this::accepted);
  }

  /** Also checks completion: a campaign resumed with every lead already final has no settlement left to do it. */
  private void running(CampaignState state) {
    saveView(state);
    dialler.dialMore();
    context.getSelf().tell(Dialler.MaybeComplete.INSTANCE);
  }

  /**
   * Completes a running campaign whose every lead is final, then hands its summary email over. Also the recovery
   * path: a completion persisted before a crash, whose hand-over did not happen, is handed over again (the outbox
   * sends once).
   */
  ReplyEffect<CampaignEvent, CampaignState> completeIfDone(CampaignState state) {
    if (state.status() == CampaignStatus.RUNNING && state.allLeadsFinal()) {
      return Effect().persist(new CampaignEvent.Completed(now()))
          .thenRun(completed -> {
            dialler.stopWaking();
            saveView(completed);
            dialler.handOverSummary(completed);
          })
          .thenNoReply();
    }
    return Effect().noReply();
  }

  private void onRecovered(CampaignState state) {
    if (!state.exists()) {
      return;
    }
    context.getLog().debug("campaign {}: recovered {} with {} attempt(s) in flight", state.campaignId(), state.status(),
        state.inFlight().size());
    switch (state.status()) {
      case SCHEDULED -> armStart(state);
      case RUNNING, PAUSED, CANCELLED -> dialler.resumeInFlight(state);
      case COMPLETED -> {
        if (!state.summaryHandedOver()) {
          dialler.handOverSummary(state);
        }
      }
      default -> { }
    }
  }

  private void armStart(CampaignState state) {
    timers.start(START_TIMER, StartDue.INSTANCE, Duration.between(now(), state.startAt()));
  }

  /** The read-side row's next wake-up is the start time while scheduled: a tick finds a due start there. */
  private void saveView(CampaignState state) {
    Instant nextWake = state.status() == CampaignStatus.SCHEDULED ? state.startAt() : dialler.nextWakeAt();
    context.pipeToSelf(ports.leads().saveView(state.view(nextWake)),
        (done, failure) -> new Dialler.ViewSaved(state.status(), failure));
  }

  private CampaignReply accepted(CampaignState state) {
    return new CampaignReply.Accepted(state.view(dialler.nextWakeAt()));
  }

  private ReplyEffect<CampaignEvent, CampaignState> refuse(ActorRef<CampaignReply> replyTo, CampaignState state,
      String reason) {
    return Effect().reply(replyTo, new CampaignReply.Refused(reason, state.status()));
  }

  private Instant now() {
    return ports.clock().instant();
  }
}
