package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.Effect;
import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import akka.actor.typed.ActorRef;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.Release;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The supervisor's death-watch of holders and its evaluation timer, read as BehaviorTestKit effects. */
class SupervisorEffectsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final TestInbox<PermitReply> replies = TestInbox.create();
  private final ActorRef<Object> holder = TestInbox.create().getRef();
  private HikariGovernedPool pool;
  private BehaviorTestKit<PermitCommand> kit;
  private long now = Duration.ofHours(1).toNanos();
  private long requestIds;

  private void supervisor(LimitSettings limit) {
    PoolSettings settings = new PoolSettings("effects", "sluice-test", 2, 2, 100, Duration.ofSeconds(5),
        Duration.ofMinutes(10), 0, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1));
    pool = HikariGovernedPool.open(new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", 2, false), settings);
    kit = BehaviorTestKit.create(PoolSupervisor.create(settings, pool, limit, () -> now));
    kit.getAllEffects();
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  private Acquire acquire(ActorRef<?> requestHolder) {
    long id = ++requestIds;
    return new Acquire(id, "owner-" + id, "purpose-" + id, LeaseKind.SHORT, Priority.NORMAL, Duration.ofMinutes(1),
        replies.getRef(), requestHolder);
  }

  private Granted granted() {
    return assertInstanceOf(Granted.class, replies.receiveMessage());
  }

  private void release(Granted granted) {
    kit.run(new Release(granted.lease().id(), Duration.ofMillis(5), false));
  }

  private List<Effect> watchEffects() {
    return kit.getAllEffects().stream()
        .filter(e -> e instanceof Effect.WatchedWith || e instanceof Effect.Unwatched).toList();
  }

  @Test
  void aHolderIsWatchedFromItsFirstLeaseAndUnwatchedAfterItsLast() {
    supervisor(LimitSettings.fixed(1));
    kit.run(acquire(holder));
    Granted first = granted();
    List<Effect> watched = watchEffects();
    assertEquals(1, watched.size(), watched.toString());
    assertEquals(holder, assertInstanceOf(Effect.WatchedWith.class, watched.get(0)).other());

    kit.run(acquire(holder));
    assertEquals(List.of(), watchEffects(), "already watched");
    release(first);
    Granted second = granted();
    assertEquals(List.of(), watchEffects(), "the holder still has a lease");
    release(second);
    assertEquals(List.of(new Effect.Unwatched<>(holder)), watchEffects());
  }

  @Test
  void aHolderWhoseOnlyRequestLeavesTheQueueIsUnwatched() {
    supervisor(LimitSettings.fixed(1));
    kit.run(acquire(null));
    granted();
    Acquire waiting = acquire(holder);
    kit.run(waiting);
    assertEquals(1, watchEffects().size());
    kit.run(new GiveUp(replies.getRef(), waiting.requestId()));
    assertEquals(List.of(new Effect.Unwatched<>(holder)), watchEffects());
  }

  @Test
  void aStoppedHolderIsForgottenNotUnwatched() {
    supervisor(LimitSettings.fixed(2));
    kit.run(acquire(holder));
    kit.run(acquire(holder));
    granted();
    granted();
    Effect.WatchedWith<?, ?> watch = assertInstanceOf(Effect.WatchedWith.class, watchEffects().get(0));
    kit.run((PermitCommand) watch.message());
    assertEquals(List.of(), watchEffects(), "a stopped actor needs no unwatch");
    kit.run(acquire(holder));
    granted();
    assertEquals(1, watchEffects().size(), "a holder used again after its death is watched anew");
  }

  @Test
  void evaluationStopsWithItsTimerOnceAnIntervalPassedWithoutWork() {
    supervisor(new LimitSettings(LimitSettings.LimitAlgorithmName.GRADIENT, 1, 2, 1, INTERVAL, 0.5, 0.8, 1.5, 0.2,
        Duration.ofMinutes(1), 0.9, 1, 0.5));
    kit.run(acquire(null));
    Granted lease = granted();
    Effect.TimerScheduled<?> evaluation = kit.getAllEffects().stream()
        .filter(e -> e instanceof Effect.TimerScheduled<?> t && t.mode().toString().equals("FixedRateMode"))
        .map(e -> (Effect.TimerScheduled<?>) e).findFirst().orElseThrow();
    assertEquals(INTERVAL, evaluation.duration());
    release(lease);
    kit.getAllEffects();

    now += INTERVAL.toNanos();
    evaluation.send().apply();
    kit.runOne();
    assertTrue(kit.getAllEffects().stream().noneMatch(e -> e instanceof Effect.TimerCancelled),
        "the interval saw a grant and a release");
    now += INTERVAL.toNanos();
    evaluation.send().apply();
    kit.runOne();
    List<Effect> effects = kit.getAllEffects();
    assertEquals(List.of(new Effect.TimerCancelled(evaluation.key())), effects);
  }
}
