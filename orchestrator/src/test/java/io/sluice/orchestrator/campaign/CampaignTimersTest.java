package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import com.typesafe.config.ConfigFactory;
import io.sluice.protocols.campaign.CampaignCommand;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link CampaignTimers} under ManualTime: unarmed (serverless mode, or the campaign scheduler switched off) it arms
 * nothing and counts nothing; armed, it counts each key once however often it is re-armed, and a cancelled, fired or
 * stopped timer is taken off the node's count. The timers live in a small actor that runs each step on its own thread,
 * as the campaign entity does, and reports the timer messages that arrive.
 */
class CampaignTimersTest {
  private static final String WAKE = "wake";
  private static final String START = "start";
  private static final CampaignCommand START_DUE = new CampaignCommand.Get(null);

  private static ActorTestKit kit;
  private static ManualTime time;

  /** A step run inside the actor, where the timers may be touched. */
  private record Step(Consumer<CampaignTimers> step, ActorRef<Boolean> done) {}

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("CampaignTimers", ManualTime.config().withFallback(
        ConfigFactory.parseString("akka.actor.provider = local")));
    time = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void unarmedTimersArmNothing() {
    CampaignActivity activity = new CampaignActivity();
    TestProbe<CampaignCommand> fired = kit.createTestProbe();
    ActorRef<Object> owner = kit.spawn(owner(activity, false, fired.getRef()));

    run(owner, timers -> timers.start(WAKE, CampaignCommand.Wake.INSTANCE, Duration.ofSeconds(5)));
    run(owner, timers -> timers.start(START, START_DUE, Duration.ofSeconds(1)));

    assertEquals(0, activity.snapshot().timers());
    time.expectNoMessageFor(Duration.ofSeconds(10), fired);
    assertEquals(0, activity.snapshot().timers());
  }

  @Test
  void armedTimersAreCountedOncePerKeyAndTakenOffWhenCancelledOrFired() {
    CampaignActivity activity = new CampaignActivity();
    TestProbe<CampaignCommand> fired = kit.createTestProbe();
    ActorRef<Object> owner = kit.spawn(owner(activity, true, fired.getRef()));

    run(owner, timers -> timers.start(WAKE, CampaignCommand.Wake.INSTANCE, Duration.ofSeconds(5)));
    run(owner, timers -> timers.start(START, START_DUE, Duration.ofSeconds(3)));
    assertEquals(2, activity.snapshot().timers());
    // Re-armed: still one timer for the key, now due later.
    run(owner, timers -> timers.start(WAKE, CampaignCommand.Wake.INSTANCE, Duration.ofSeconds(8)));
    assertEquals(2, activity.snapshot().timers());

    run(owner, timers -> timers.cancel(START));
    assertEquals(1, activity.snapshot().timers());
    run(owner, timers -> timers.cancel(START));
    assertEquals(1, activity.snapshot().timers(), "a second cancel takes nothing more off");

    time.expectNoMessageFor(Duration.ofSeconds(7), fired);
    time.timePasses(Duration.ofSeconds(1));
    assertEquals(CampaignCommand.Wake.INSTANCE, fired.receiveMessage());
    assertEquals(0, activity.snapshot().timers());
    time.expectNoMessageFor(Duration.ofSeconds(10), fired);
  }

  @Test
  void stoppingTakesEveryTimerOffTheCount() {
    CampaignActivity activity = new CampaignActivity();
    TestProbe<CampaignCommand> fired = kit.createTestProbe();
    ActorRef<Object> owner = kit.spawn(owner(activity, true, fired.getRef()));

    run(owner, timers -> timers.start(WAKE, CampaignCommand.Wake.INSTANCE, Duration.ofSeconds(5)));
    run(owner, timers -> timers.start(START, START_DUE, Duration.ofSeconds(5)));
    assertEquals(2, activity.snapshot().timers());
    run(owner, CampaignTimers::stopped);
    assertEquals(0, activity.snapshot().timers());
  }

  @Test
  void aNegativeDelayFiresAtOnce() {
    CampaignActivity activity = new CampaignActivity();
    TestProbe<CampaignCommand> fired = kit.createTestProbe();
    ActorRef<Object> owner = kit.spawn(owner(activity, true, fired.getRef()));

    run(owner, timers -> timers.start(WAKE, CampaignCommand.Wake.INSTANCE, Duration.ofSeconds(-3)));
    time.timePasses(Duration.ofMillis(1));
    assertEquals(CampaignCommand.Wake.INSTANCE, fired.receiveMessage());
    assertEquals(0, activity.snapshot().timers());
  }

  private static void run(ActorRef<Object> owner, Consumer<CampaignTimers> step) {
    TestProbe<Boolean> done = kit.createTestProbe();
    owner.tell(new Step(step, done.getRef()));
    done.receiveMessage();
  }

  /** Holds the timers as an entity does: a fired timer's message is reported and marked fired. */
  @SuppressWarnings("unchecked")
  private static Behavior<Object> owner(CampaignActivity activity, boolean armed, ActorRef<CampaignCommand> fired) {
    return Behaviors.withTimers(timers -> {
      // The actor takes any message; its timers only ever carry campaign commands.
      CampaignTimers campaignTimers = new CampaignTimers(
          (TimerScheduler<CampaignCommand>) (TimerScheduler<?>) timers, activity, armed);
      return Behaviors.receiveMessage(message -> {
        if (message instanceof Step step) {
          step.step().accept(campaignTimers);
          step.done().tell(true);
        } else if (message instanceof CampaignCommand command) {
          campaignTimers.fired(command == CampaignCommand.Wake.INSTANCE ? WAKE : START);
          fired.tell(command);
        }
        return Behaviors.same();
      });
    });
  }
}
