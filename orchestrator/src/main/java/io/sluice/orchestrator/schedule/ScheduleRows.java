package io.sluice.orchestrator.schedule;

import io.sluice.persistence.schedule.ScheduleRow;
import io.sluice.protocols.schedule.Cadence;
import io.sluice.protocols.schedule.ScheduleAction;
import io.sluice.protocols.schedule.ScheduleSpec;
import java.time.Instant;

/** Between a validated {@link ScheduleSpec} and its row: the action and cadence columns. */
final class ScheduleRows {
  static final String PUBLISH_EVENT = "publish-event";
  static final String START_CAMPAIGN = "start-campaign";
  static final String RUN_JOB = "run-job";

  private ScheduleRows() {}

  /** A new row for {@code spec}, first due at {@code firstDue}. */
  static ScheduleRow row(String id, ScheduleSpec spec, Instant firstDue, Instant now) {
    Long interval = spec.cadence() instanceof Cadence.Every every ? every.interval().toMillis() : null;
    String cron = spec.cadence() instanceof Cadence.Cron c ? c.expression() : null;
    String zone = spec.cadence() instanceof Cadence.Cron c ? c.zone().getId() : null;
    return new ScheduleRow(id, spec.queue().name(), spec.workspace().id(), interval, cron, zone,
        spec.payload().json(), actionKind(spec.action()), actionTarget(spec.action()), spec.overlap().name(),
        spec.catchUp().name(), false, firstDue, null, null, null, 1, now, now);
  }

  static String actionKind(ScheduleAction action) {
    if (action instanceof ScheduleAction.PublishEvent) {
      return PUBLISH_EVENT;
    }
    return action instanceof ScheduleAction.StartCampaign ? START_CAMPAIGN : RUN_JOB;
  }

  static String actionTarget(ScheduleAction action) {
    if (action instanceof ScheduleAction.PublishEvent publish) {
      return publish.eventType();
    }
    return action instanceof ScheduleAction.StartCampaign start ? start.campaignId()
        : ((ScheduleAction.RunJob) action).job();
  }

  static ScheduleAction action(String kind, String target) {
    return switch (kind) {
      case PUBLISH_EVENT -> new ScheduleAction.PublishEvent(target);
      case START_CAMPAIGN -> new ScheduleAction.StartCampaign(target);
      case RUN_JOB -> new ScheduleAction.RunJob(target);
      default -> throw new IllegalStateException("unknown schedule action kind in the table: " + kind);
    };
  }
}
