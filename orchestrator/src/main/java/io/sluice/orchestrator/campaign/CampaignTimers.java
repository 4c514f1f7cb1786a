package io.sluice.orchestrator.campaign;

import akka.actor.typed.javadsl.TimerScheduler;
import io.sluice.protocols.campaign.CampaignCommand;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One campaign entity's timers, counted in the node's {@link CampaignActivity}. When the campaign scheduler keeps no
 * timers (serverless mode, or switched off) nothing is armed: every due time is in the database already (a lead's
 * next attempt, the campaign row's {@code next_wake_at}) and a tick wakes the entity instead.
 */
final class CampaignTimers {
  private final TimerScheduler<CampaignCommand> timers;
  private final CampaignActivity activity;
  private final boolean armed;
  private final Set<String> active = new HashSet<>();

  CampaignTimers(TimerScheduler<CampaignCommand> timers, CampaignActivity activity, boolean armed) {
    this.timers = timers;
    this.activity = activity;
    this.armed = armed;
  }

  /** Whether timers are armed at all; false when a tick wakes the entity instead. */
  boolean armed() {
    return armed;
  }

  void start(String key, CampaignCommand message, Duration delay) {
    if (!armed) {
      return;
    }
    timers.startSingleTimer(key, message, delay.isNegative() ? Duration.ZERO : delay);
    if (active.add(key)) {
      activity.timers(1);
    }
  }

  void cancel(String key) {
    timers.cancel(key);
    if (active.remove(key)) {
      activity.timers(-1);
    }
  }

  /** The timer's message arrived: it is no longer armed. */
  void fired(String key) {
    if (active.remove(key)) {
      activity.timers(-1);
    }
  }

  /** The entity stops: its timers go with it. */
  void stopped() {
    activity.timers(-active.size());
    active.clear();
  }
}
