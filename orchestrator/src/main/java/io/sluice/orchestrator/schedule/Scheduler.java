package io.sluice.orchestrator.schedule;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import io.sluice.orchestrator.schedule.FiringPlanner.Disposition;
import io.sluice.orchestrator.schedule.FiringPlanner.Plan;
import io.sluice.persistence.schedule.Firings;
import io.sluice.persistence.schedule.ScheduleRow;
import io.sluice.persistence.schedule.Schedules;
import io.sluice.protocols.schedule.SchedulerCommand;
import io.sluice.protocols.schedule.SchedulerCommand.DueFired;
import io.sluice.protocols.schedule.SchedulerCommand.GetStatus;
import io.sluice.protocols.schedule.SchedulerCommand.RunDue;
import io.sluice.protocols.schedule.SchedulerCommand.RunNow;
import io.sluice.protocols.schedule.SchedulerCommand.RunNowReply;
import io.sluice.protocols.schedule.SchedulerCommand.ScheduleChanged;
import io.sluice.protocols.schedule.SchedulerCommand.SchedulerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scheduler: fires every schedule once per due time, and asks the database nothing while nothing is due.
 *
 * <p>Model. It reads the whole schedule table once, at start-up, and one row whenever the API tells it a schedule
 * changed; never on a period. It holds the active schedules ordered by due time and exactly one timer, for the
 * earliest (none when no active schedule exists, and none at all in serverless mode, where {@link RunDue} from a tick
 * does the timer's work). When schedules fall due it records their firings in batches: one transaction moves each
 * schedule on with a compare-and-set on its due time and inserts the firing under its (schedule, due time) key
 * ({@link Firings#record}). Only a firing whose step applied runs, so a second scheduler on the same database — a
 * restart race, a split cluster — records and runs nothing for a due time already taken. A step that did not apply
 * means the row changed under it: the row is read again.
 *
 * <p>A recorded firing runs its action ({@link ScheduleActions}) through the permit path, at most
 * {@code max-concurrent-runs} at once; its end is written to the firing and the schedule (last run, outcome) by group
 * commit. Overlap (skip, or queue one) and catch-up (skip missed, or run once) are decided by {@link FiringPlanner}.
 * Runs left RUNNING or QUEUED by a stopped process are marked INTERRUPTED at start-up: a firing runs at most once.
 *
 * <p>One instance per database is the deployment (a Cluster Singleton when clustered); correctness does not depend on
 * it, only efficiency does.
 */
public final class Scheduler extends AbstractBehavior<SchedulerCommand> {
  static final String DUE_TIMER = "due";
  private static final String OWNER = "scheduler";
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Scheduler.class);

  /** Internal steps; never cross a node. */
  interface Step extends SchedulerCommand, NoSerializationVerificationNeeded {}

  enum DueTimer implements Step { INSTANCE }

  record Loaded(List<ScheduleRow> rows, Throwable failure) implements Step {}

  record RowLoaded(String scheduleId, Optional<ScheduleRow> row, Throwable failure) implements Step {}

  record Recorded(List<Plan> plans, List<Boolean> applied, Throwable failure) implements Step {}

  record ManualRecorded(Plan plan, ActorRef<RunNowReply> replyTo, Boolean applied, Throwable failure)
      implements Step {}

  record RunEnded(String scheduleId, String queue, Instant dueAt, Throwable failure) implements Step {}

  /** A tick waiting for its due firings to be recorded. */
  private record PendingTick(RunDue tick, long startedBefore) {}

  private static final Comparator<TrackedSchedule> BY_DUE =
      Comparator.comparing(TrackedSchedule::nextDue).thenComparing(TrackedSchedule::id);

  private final TimerScheduler<SchedulerCommand> timers;
  private final SchedulerPorts ports;
  private final FiringPlanner planner;
  private final Map<String, TrackedSchedule> byId = new HashMap<>();
  /** Active schedules not being recorded, earliest first: the head is the timer's. */
  private final TreeSet<TrackedSchedule> due = new TreeSet<>(BY_DUE);
  private final Set<String> recording = new HashSet<>();
  /** Schedules with a firing running (or waiting for a run slot), by that firing's due time. */
  private final Map<String, Instant> running = new HashMap<>();
  /** Schedules with a firing QUEUED behind the running one. */
  private final Map<String, Instant> queued = new HashMap<>();
  private final RunSlots slots;
  private final List<PendingTick> ticks = new ArrayList<>();
  /** Firings started since this incarnation began: a tick answers the difference. */
  private long started;
  private boolean recordInFlight;
  private Instant timerDue;
  private Instant lastRun;

  private Scheduler(ActorContext<SchedulerCommand> context, TimerScheduler<SchedulerCommand> timers,
      SchedulerPorts ports) {
    super(context);
    this.timers = timers;
    this.ports = ports;
    this.planner = new FiringPlanner(ports.settings().catchUpGrace());
    this.slots = new RunSlots(ports.settings().maxConcurrentRuns());
  }

  /** Reads the schedule table (after interrupting what a stopped process left running), then fires as due. */
  public static Behavior<SchedulerCommand> create(SchedulerPorts ports) {
    return Behaviors.withStash(10_000, stash -> Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.pipeToSelf(ports.database().withConnection(null, OWNER, "interrupt-unfinished",
              Firings.interruptUnfinished(ports.clock().instant()))
          .thenCompose(interrupted -> ports.database().withConnection(null, OWNER, "load-schedules",
              Schedules.all())), Loaded::new);
      return loading(context, timers, ports, stash);
    })));
  }

  private static Behavior<SchedulerCommand> loading(ActorContext<SchedulerCommand> context,
      TimerScheduler<SchedulerCommand> timers, SchedulerPorts ports, StashBuffer<SchedulerCommand> stash) {
    return Behaviors.receive(SchedulerCommand.class)
        .onMessage(Loaded.class, loaded -> {
          if (loaded.failure() != null) {
            // Without its schedules the scheduler would fire nothing, silently: fail, and let supervision retry.
            throw new IllegalStateException("could not read the schedule table", loaded.failure());
          }
          Scheduler scheduler = new Scheduler(context, timers, ports);
          scheduler.load(loaded.rows());
          return stash.unstashAll(scheduler);
        })
        .onAnyMessage(message -> {
          stash.stash(message);
          return Behaviors.same();
        })
        .build();
  }

  private void load(List<ScheduleRow> rows) {
    rows.forEach(row -> track(TrackedSchedule.of(row)));
    getContext().getLog().info("scheduler: {} schedule(s), {} active, next due {}", byId.size(), due.size(),
        due.isEmpty() ? "none" : due.first().nextDue());
    publishCounts();
    fireDue(now());
  }

  @Override
  public Receive<SchedulerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(DueTimer.class, tick -> {
          timerDue = null;
          fireDue(now());
          return this;
        })
        .onMessage(RunDue.class, this::onRunDue)
        .onMessage(Recorded.class, this::onRecorded)
        .onMessage(ScheduleChanged.class, changed -> {
          getContext().pipeToSelf(ports.database().withConnection(null, OWNER, "load-schedule",
                  Schedules.find(changed.scheduleId())),
              (row, failure) -> new RowLoaded(changed.scheduleId(), row, failure));
          return this;
        })
        .onMessage(RowLoaded.class, this::onRowLoaded)
        .onMessage(RunNow.class, this::onRunNow)
        .onMessage(ManualRecorded.class, this::onManualRecorded)
        .onMessage(RunEnded.class, this::onRunEnded)
        .onMessage(GetStatus.class, get -> {
          get.replyTo().tell(new SchedulerStatus(due.size() + recording.size(), timerDue == null ? 0 : 1,
              running.size(), lastRun, nextDue()));
          return this;
        })
        .build();
  }

  private Behavior<SchedulerCommand> onRunDue(RunDue tick) {
    ticks.add(new PendingTick(tick, started));
    fireDue(tick.now());
    answerTicks();
    return this;
  }

  /** Records the firings of what is due at {@code now}, one batch at a time. */
  private void fireDue(Instant now) {
    if (recordInFlight) {
      return;
    }
    List<Plan> plans = new ArrayList<>();
    while (!due.isEmpty() && !due.first().nextDue().isAfter(now)
        && plans.size() < ports.settings().recordBatchSize()) {
      TrackedSchedule schedule = due.pollFirst();
      recording.add(schedule.id());
      Plan plan = planner.plan(schedule, now, running.containsKey(schedule.id()), queued.containsKey(schedule.id()));
      plans.add(plan);
      take(plan);
    }
    if (plans.isEmpty()) {
      armTimer();
      return;
    }
    recordInFlight = true;
    List<Firings.Step> steps = plans.stream().map(Plan::step).toList();
    getContext().pipeToSelf(ports.database().withConnection(null, OWNER, "record-firings",
            Firings.record(steps, now)),
        (applied, failure) -> new Recorded(plans, applied, failure));
  }

  private Behavior<SchedulerCommand> onRecorded(Recorded recorded) {
    recordInFlight = false;
    Instant now = now();
    for (int i = 0; i < recorded.plans().size(); i++) {
      Plan plan = recorded.plans().get(i);
      String id = plan.schedule().id();
      recording.remove(id);
      boolean applied = recorded.failure() == null && recorded.applied().get(i);
      if (!applied) {
        undo(plan);
        if (recorded.failure() == null) {
          // Moved by another scheduler, paused or deleted meanwhile: the row says which.
          getContext().getSelf().tell(new ScheduleChanged(id));
        } else {
          track(byId.getOrDefault(id, plan.schedule()));
        }
        continue;
      }
      TrackedSchedule current = byId.getOrDefault(id, plan.schedule()).dueAt(plan.step().nextDue());
      track(current);
      String queue = current.queue();
      ports.metrics().skipped(queue, "missed", plan.missed());
      switch (plan.disposition()) {
        case START -> start(current, plan.firingDue(), now);
        case SKIP_OVERLAP -> ports.metrics().skipped(queue, "overlap", 1);
        default -> { }
      }
    }
    if (recorded.failure() != null) {
      getContext().getLog().warn("scheduler: {} firing(s) not recorded, trying again in {}: {}",
          recorded.plans().size(), ports.retryLater(), recorded.failure().toString());
      if (ports.timersEnabled()) {
        timers.startSingleTimer(DUE_TIMER, DueTimer.INSTANCE, ports.retryLater());
        timerDue = now.plus(ports.retryLater());
      }
      answerTicks();
      return this;
    }
    fireDue(now);
    answerTicks();
    return this;
  }

  /**
   * Notes what the plan decided about runs as soon as it is made, before its step is recorded, so that the next plan
   * for the schedule sees the run as going (or waiting); {@link #undo} takes it back if the step does not apply.
   */
  private void take(Plan plan) {
    if (plan.disposition() == Disposition.START) {
      running.put(plan.schedule().id(), plan.firingDue());
    } else if (plan.disposition() == Disposition.QUEUE) {
      queued.put(plan.schedule().id(), plan.firingDue());
    }
  }

  /** A plan whose step did not apply: what it decided about runs is taken back. */
  private void undo(Plan plan) {
    String id = plan.schedule().id();
    if (plan.disposition() == Disposition.START && plan.firingDue().equals(running.get(id))) {
      running.remove(id);
    } else if (plan.disposition() == Disposition.QUEUE && plan.firingDue().equals(queued.get(id))) {
      queued.remove(id);
    }
  }

  private void start(TrackedSchedule schedule, Instant dueAt, Instant now) {
    ports.metrics().lag(Duration.between(dueAt, now));
    lastRun = now;
    started++;
    slots.submit(() -> getContext().pipeToSelf(ports.actions().run(schedule, dueAt),
        (done, failure) -> new RunEnded(schedule.id(), schedule.queue(), dueAt, failure)));
  }

  private Behavior<SchedulerCommand> onRunEnded(RunEnded ended) {
    slots.release();
    Instant now = now();
    String outcome = ended.failure() == null ? "succeeded" : "failed";
    ports.metrics().fired(ended.queue(), outcome);
    if (ended.failure() != null) {
      getContext().getLog().warn("schedule {} ({}): the run due {} failed: {}", ended.scheduleId(), ended.queue(),
          ended.dueAt(), ended.failure().toString());
    }
    // The write completes off the actor: only the thread-safe logger is touched there.
    ports.runEnds().submit(new Firings.RunEnd(ended.scheduleId(), ended.dueAt(), now,
            ended.failure() == null ? null : String.valueOf(ended.failure().getMessage())))
        .whenComplete((written, failure) -> logUnwritten(failure, "the end of the run", ended.scheduleId(),
            ended.dueAt()));
    if (ended.dueAt().equals(running.get(ended.scheduleId()))) {
      running.remove(ended.scheduleId());
    }
    Instant next = queued.remove(ended.scheduleId());
    TrackedSchedule schedule = byId.get(ended.scheduleId());
    if (next != null && schedule != null) {
      running.put(schedule.id(), next);
      ports.database().withConnection(null, OWNER, "start-queued", Firings.started(schedule.id(), next, now))
          .whenComplete((written, failure) -> logUnwritten(failure, "the start of the queued run", schedule.id(), next));
      start(schedule, next, now);
    }
    return this;
  }

  /** For writes whose answer needs no step: a failure leaves the firing's row behind, which the log says. */
  private static void logUnwritten(Throwable failure, String what, String scheduleId, Instant dueAt) {
    if (failure != null) {
      log.warn("schedule {}: {} due {} was not written: {}", scheduleId, what, dueAt, failure.toString());
    }
  }

  private Behavior<SchedulerCommand> onRowLoaded(RowLoaded loaded) {
    if (loaded.failure() != null) {
      getContext().getLog().warn("scheduler: schedule {} not read after a change; trying again in {}: {}",
          loaded.scheduleId(), ports.retryLater(), loaded.failure().toString());
      timers.startSingleTimer("reload-" + loaded.scheduleId(), new ScheduleChanged(loaded.scheduleId()),
          ports.retryLater());
      return this;
    }
    TrackedSchedule previous = byId.remove(loaded.scheduleId());
    if (previous != null) {
      due.remove(previous);
    }
    if (loaded.row().isPresent()) {
      TrackedSchedule schedule = TrackedSchedule.of(loaded.row().get());
      if (recording.contains(schedule.id())) {
        // Its batch is in flight; the batch's answer puts it back (and reads it again if its step failed).
        byId.put(schedule.id(), schedule);
      } else {
        track(schedule);
      }
    } else {
      queued.remove(loaded.scheduleId());
    }
    publishCounts();
    fireDue(now());
    return this;
  }

  private Behavior<SchedulerCommand> onRunNow(RunNow runNow) {
    TrackedSchedule schedule = byId.get(runNow.scheduleId());
    if (schedule == null) {
      runNow.replyTo().tell(new RunNowReply(runNow.scheduleId(), false, "no such schedule"));
      return this;
    }
    Instant now = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Plan plan = planner.manual(schedule, now, running.containsKey(schedule.id()), queued.containsKey(schedule.id()));
    take(plan);
    getContext().pipeToSelf(ports.database().withConnection(null, OWNER, "record-manual-firing",
            Firings.recordManual(plan.step().firing())),
        (applied, failure) -> new ManualRecorded(plan, runNow.replyTo(), applied, failure));
    return this;
  }

  private Behavior<SchedulerCommand> onManualRecorded(ManualRecorded recorded) {
    Plan plan = recorded.plan();
    String id = plan.schedule().id();
    if (recorded.failure() != null || !Boolean.TRUE.equals(recorded.applied())) {
      undo(plan);
      String reason = recorded.failure() != null ? "not recorded: " + recorded.failure().getMessage()
          : "a firing at this instant exists already";
      recorded.replyTo().tell(new RunNowReply(id, false, reason));
      return this;
    }
    switch (plan.disposition()) {
      case START -> {
        start(byId.getOrDefault(id, plan.schedule()), plan.firingDue(), now());
        recorded.replyTo().tell(new RunNowReply(id, true, "started"));
      }
      case QUEUE -> recorded.replyTo().tell(new RunNowReply(id, true, "queued behind the run in progress"));
      default -> {
        ports.metrics().skipped(plan.schedule().queue(), "overlap", 1);
        recorded.replyTo().tell(new RunNowReply(id, false, "skipped: the previous run is still going"));
      }
    }
    return this;
  }

  /** Answers the ticks once nothing due at their instant is left to record. */
  private void answerTicks() {
    if (recordInFlight || ticks.isEmpty()) {
      return;
    }
    List<PendingTick> waiting = new ArrayList<>(ticks);
    ticks.clear();
    for (PendingTick pending : waiting) {
      if (!due.isEmpty() && !due.first().nextDue().isAfter(pending.tick().now())) {
        ticks.add(pending);
      } else {
        pending.tick().replyTo().tell(new DueFired((int) (started - pending.startedBefore()), nextDue()));
      }
    }
  }

  private void track(TrackedSchedule schedule) {
    byId.put(schedule.id(), schedule);
    if (!schedule.paused() && !schedule.nextDue().equals(Instant.MAX)) {
      due.add(schedule);
    }
  }

  /** Exactly one timer, for the earliest due time; none without active schedules or in serverless mode. */
  private void armTimer() {
    if (!ports.timersEnabled() || due.isEmpty()) {
      timers.cancel(DUE_TIMER);
      timerDue = null;
      return;
    }
    Instant next = due.first().nextDue();
    if (!next.equals(timerDue)) {
      Duration until = Duration.between(now(), next);
      timers.startSingleTimer(DUE_TIMER, DueTimer.INSTANCE, until.isNegative() ? Duration.ZERO : until);
      timerDue = next;
    }
  }

  private Instant nextDue() {
    return due.isEmpty() ? null : due.first().nextDue();
  }

  private void publishCounts() {
    Map<String, Integer> perQueue = new HashMap<>();
    byId.values().stream().filter(schedule -> !schedule.paused())
        .forEach(schedule -> perQueue.merge(schedule.queue(), 1, Integer::sum));
    ports.metrics().registered(perQueue);
  }

  private Instant now() {
    return ports.clock().instant();
  }
}
