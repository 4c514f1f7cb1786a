package io.sluice.orchestrator;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.testkit.ExplicitlyTriggeredScheduler;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock on a test kit's ManualTime: {@code origin} plus the virtual time passed; it moves only when the test moves it. */
public final class VirtualClock {
  private VirtualClock() {}

  public static Clock of(ActorTestKit testKit, Instant origin) {
    ExplicitlyTriggeredScheduler scheduler =
        (ExplicitlyTriggeredScheduler) testKit.system().classicSystem().scheduler();
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return origin.plusMillis(scheduler.currentTimeMs());
      }
    };
  }
}
