package io.sluice.orchestrator.schedule;

import akka.Done;
import akka.actor.typed.ActorSystem;
import io.sluice.orchestrator.database.Database;
import io.sluice.protocols.schedule.ScheduleAction;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a firing does, by its action: publish an event, start a campaign, or call a job registered in code. */
public final class ScheduleActions {

  /** Publishes an event in a workspace (the webhook publisher). */
  @FunctionalInterface
  public interface EventPublication {
    /** @param idempotencyKey the same for every attempt of one firing: a repeat publishes nothing new */
    CompletionStage<?> publish(String workspaceId, String eventType, String payloadJson, String idempotencyKey);
  }

  /** Starts a campaign of a workspace; fails when it is not the workspace's or refuses to start. */
  @FunctionalInterface
  public interface CampaignStart {
    CompletionStage<?> start(String workspaceId, String campaignId);
  }

  private final EventPublication events;
  private final CampaignStart campaigns;
  private final ScheduledJobs jobs;
  private final Database database;
  private final ActorSystem<?> system;
  private final int handlersPerRun;
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

  ScheduleActions(EventPublication events, CampaignStart campaigns, ScheduledJobs jobs, Database database,
      ActorSystem<?> system, int handlersPerRun) {
    this.events = events;
    this.campaigns = campaigns;
    this.jobs = jobs;
    this.database = database;
    this.system = system;
    this.handlersPerRun = handlersPerRun;
  }

  ScheduledJobs jobs() {
    return jobs;
  }

  /** Runs in flight now (for exit-on-idle); never blocks. */
  int inFlight() {
    return inFlight.get();
  }

  /** Runs the firing of {@code schedule} due at {@code dueAt}; never throws, a failure is the stage's. */
  CompletionStage<Done> run(TrackedSchedule schedule, Instant dueAt) {
    inFlight.incrementAndGet();
    return start(schedule, dueAt).whenComplete((done, failure) -> inFlight.decrementAndGet());
  }

  private CompletionStage<Done> start(TrackedSchedule schedule, Instant dueAt) {
    try {
      ScheduleAction action = schedule.action();
      if (action instanceof ScheduleAction.PublishEvent publish) {
        return events.publish(schedule.workspaceId(), publish.eventType(), schedule.payload(),
            "schedule:" + schedule.id() + ":" + dueAt.toEpochMilli()).thenApply(published -> Done.getInstance());
      } else if (action instanceof ScheduleAction.StartCampaign start) {
        return campaigns.start(schedule.workspaceId(), start.campaignId()).thenApply(started -> Done.getInstance());
      }
      String name = ((ScheduleAction.RunJob) action).job();
      ScheduledJob job = jobs.find(name).orElseThrow(() ->
          new IllegalStateException("no job named '" + name + "' is registered in this process"));
      return job.run(new JobRun(schedule.id(), schedule.queue(), schedule.workspaceId(), dueAt, schedule.payload(),
          handlersPerRun, database, system));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
