package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.Effect;
import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.typed.javadsl.Behaviors;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The single-shot deadline timer moves only earlier, re-arms after firing, and says whether it is armed. */
class DeadlineTimerTest {
  private static final long S = Duration.ofSeconds(1).toNanos();
  private static final PermitCommand TICK = new GetPoolStats(null);

  private BehaviorTestKit<PermitCommand> kit;
  private DeadlineTimer timer;

  @BeforeEach
  void createTimerInsideABehaviorTestKit() {
    DeadlineTimer[] created = new DeadlineTimer[1];
    kit = BehaviorTestKit.create(Behaviors.withTimers(timers -> {
      created[0] = new DeadlineTimer(timers, TICK);
      return Behaviors.ignore();
    }));
    timer = created[0];
    kit.getAllEffects();
  }

  /** The delay of the single timer the last call scheduled. */
  private Duration scheduledDelay() {
    List<Effect> effects = kit.getAllEffects();
    assertEquals(1, effects.size(), effects.toString());
    Effect.TimerScheduled<?> scheduled = (Effect.TimerScheduled<?>) effects.get(0);
    assertEquals(TICK, scheduled.key());
    assertEquals(TICK, scheduled.msg());
    assertEquals("SingleMode", scheduled.mode().toString(), "a single-shot timer");
    return scheduled.duration();
  }

  private void assertNothingScheduled() {
    assertEquals(List.of(), kit.getAllEffects());
  }

  @Test
  void aNewTimerIsNotArmed() {
    assertFalse(timer.armed());
  }

  @Test
  void aDeadlineArmsTheTimerForTheTimeLeftUntilIt() {
    timer.ensureBy(5 * S, S);
    assertEquals(Duration.ofSeconds(4), scheduledDelay());
    assertTrue(timer.armed());
  }

  @Test
  void aDeadlineAlreadyPastFiresAtOnce() {
    timer.ensureBy(S, 3 * S);
    assertEquals(Duration.ZERO, scheduledDelay());
  }

  @Test
  void aLaterOrEqualDeadlineLeavesTheTimerAlone() {
    timer.ensureBy(5 * S, S);
    kit.getAllEffects();
    timer.ensureBy(6 * S, 2 * S);
    timer.ensureBy(5 * S, 2 * S);
    assertNothingScheduled();
    assertTrue(timer.armed());
  }

  @Test
  void anEarlierDeadlineMovesTheTimerEarlier() {
    timer.ensureBy(5 * S, S);
    kit.getAllEffects();
    timer.ensureBy(3 * S, 2 * S);
    assertEquals(Duration.ofSeconds(1), scheduledDelay());
  }

  @Test
  void afterFiringTheTimerIsArmedForTheEarliestDeadlineStillOutEvenALaterOne() {
    timer.ensureBy(5 * S, S);
    kit.getAllEffects();
    timer.fired(8 * S, 5 * S);
    assertEquals(Duration.ofSeconds(3), scheduledDelay());
    assertTrue(timer.armed());
  }

  @Test
  void afterFiringWithNothingLeftTheTimerIsDisarmed() {
    timer.ensureBy(5 * S, S);
    kit.getAllEffects();
    timer.fired(Long.MAX_VALUE, 5 * S);
    assertNothingScheduled();
    assertFalse(timer.armed());
  }

  @Test
  void cancellingStopsTheTimerAndAnyDeadlineArmsItAgain() {
    timer.ensureBy(5 * S, S);
    kit.getAllEffects();
    timer.cancel();
    assertEquals(List.of(new Effect.TimerCancelled(TICK)), kit.getAllEffects());
    assertFalse(timer.armed());
    timer.ensureBy(9 * S, 2 * S);
    assertEquals(Duration.ofSeconds(7), scheduledDelay());
  }
}
