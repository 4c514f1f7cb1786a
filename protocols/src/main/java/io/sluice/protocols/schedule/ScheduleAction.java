package io.sluice.protocols.schedule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a firing does. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ScheduleAction.PublishEvent.class, name = "publish-event"),
    @JsonSubTypes.Type(value = ScheduleAction.StartCampaign.class, name = "start-campaign"),
    @JsonSubTypes.Type(value = ScheduleAction.RunJob.class, name = "run-job")})
public sealed interface ScheduleAction {

  /** Publishes an event of this type in the schedule's workspace, the payload as its data: webhooks subscribe. */
  record PublishEvent(String eventType) implements ScheduleAction {
    @JsonCreator
    public PublishEvent {}
  }

  /** Starts this campaign of the schedule's workspace. */
  record StartCampaign(String campaignId) implements ScheduleAction {
    @JsonCreator
    public StartCampaign {}
  }

  /** Calls the job registered in code under this name, with the payload. */
  record RunJob(String job) implements ScheduleAction {
    @JsonCreator
    public RunJob {}
  }
}
