package io.sluice.orchestrator.callslots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.testkit.ExplicitlyTriggeredScheduler;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.CallSlotSettings;
import io.sluice.orchestrator.database.PermitUnavailableException;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GiveUp;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.RejectReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Campaign-like holders sharing the call slots through the facade, over the real supervisor in virtual time: the
 * capacity is never exceeded, a holder that stops gives its slots back, a 429 lowers the limit until its Retry-After.
 */
class CallSlotsTest {
  private static final int CAPACITY = 4;
  private static final Duration LONG_WAIT = Duration.ofMinutes(10);
  private static final Duration ANSWER = Duration.ofSeconds(3);

  private static ActorTestKit testKit;
  private static ManualTime manualTime;
  private static LongSupplier virtualNanos;

  private ActorRef<PermitCommand> supervisor;
  private CallSlots slots;
  /** Slots the holders believe they have, and the most they ever had at once. */
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicInteger mostInUse = new AtomicInteger();

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create("CallSlotsTest",
        ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()));
    manualTime = ManualTime.get(testKit.system());
    ExplicitlyTriggeredScheduler scheduler =
        (ExplicitlyTriggeredScheduler) testKit.system().classicSystem().scheduler();
    virtualNanos = () -> TimeUnit.MILLISECONDS.toNanos(scheduler.currentTimeMs());
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void startSupervisor() {
    CallSlotSettings settings = CallSlotSettings.from(
        ConfigFactory.load(ConfigFactory.parseString("sluice.call-slots.capacity = " + CAPACITY)));
    CallSlotResource resource = new CallSlotResource(settings.capacity());
    supervisor = testKit.spawn(CallSlots.supervisor(settings, resource, virtualNanos), CallSlots.SUPERVISOR_NAME);
    slots = new CallSlots(supervisor, resource, testKit.system(), settings.defaultMaxWait());
  }

  @AfterEach
  void stopSupervisor() {
    testKit.stop(supervisor);
  }

  private ActorRef<Object> campaign(String name) {
    return testKit.spawn(Behaviors.receiveMessage(message -> Behaviors.same()), name);
  }

  private CompletableFuture<Lease> acquire(ActorRef<?> holder, String campaignId) {
    return slots.acquire(holder, campaignId, Priority.NORMAL, LONG_WAIT).toCompletableFuture()
        .thenApply(lease -> {
          mostInUse.accumulateAndGet(inUse.incrementAndGet(), Math::max);
          return lease;
        });
  }

  private void release(CompletableFuture<Lease> slot) throws Exception {
    inUse.decrementAndGet();
    slots.release(granted(slot), false);
  }

  private static Lease granted(CompletableFuture<Lease> slot) throws Exception {
    return slot.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
  }

  private PoolStats stats() throws Exception {
    return slots.stats(ANSWER).toCompletableFuture().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every grant the supervisor has sent so far has reached its future. */
  private void settled(List<CompletableFuture<Lease>> requests, int expectedDone) throws Exception {
    long deadline = System.nanoTime() + ANSWER.toNanos();
    while (requests.stream().filter(CompletableFuture::isDone).count() < expectedDone
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
    assertEquals(expectedDone, requests.stream().filter(CompletableFuture::isDone).count());
  }

  @Test
  void campaignsShareTheCapacityAStoppedOneGivesItsSlotsBackAndA429LowersTheLimitUntilRetryAfter()
      throws Exception {
    ActorRef<Object> a = campaign("campaign-a");
    ActorRef<Object> b = campaign("campaign-b");
    ActorRef<Object> c = campaign("campaign-c");
    List<CompletableFuture<Lease>> requests = new ArrayList<>();
    for (ActorRef<Object> holder : List.of(a, b, c)) {
      for (int call = 0; call < 3; call++) {
        requests.add(acquire(holder, holder.path().name()));
      }
    }
    settled(requests, CAPACITY);
    PoolStats full = stats();
    assertEquals(CAPACITY, full.granted());
    assertEquals(5, full.waiting());
    assertEquals(new PoolStats.Physical(CAPACITY, CAPACITY, 0, CAPACITY), full.physical());
    Lease ofA = granted(requests.get(0));
    assertEquals("campaign-a", ofA.owner());
    assertEquals(CallSlots.PURPOSE, ofA.purpose());
    assertEquals("call-slots", ofA.pool());
    assertTrue(slots.holds(ofA));

    inUse.addAndGet(-3); // a's calls end with it
    testKit.stop(a);
    settled(requests, 7);
    PoolStats afterStop = stats();
    assertEquals(3, afterStop.counters().holderDied());
    assertEquals(CAPACITY, afterStop.granted(), "campaign b's queued calls and c's first took a's slots");
    assertEquals(2, afterStop.waiting());
    assertFalse(slots.holds(ofA));

    // b's first call is refused with 429: the provider accepted the other three.
    inUse.decrementAndGet();
    slots.throttled(granted(requests.get(3)), Duration.ofSeconds(20));
    PoolStats throttled = stats();
    assertEquals(3, throttled.limit());
    assertEquals(3, throttled.granted());
    assertEquals(2, throttled.waiting());
    assertTrue(throttled.throttle().active());
    settled(requests, 7);
    release(requests.get(4));
    settled(requests, 8);
    PoolStats capped = stats();
    assertEquals(3, capped.granted(), "a slot that came back goes to the next call only up to the cap");
    assertEquals(1, capped.waiting());

    manualTime.timePasses(Duration.ofSeconds(20));
    settled(requests, 9);
    PoolStats recovered = stats();
    assertEquals(CAPACITY, recovered.limit());
    assertFalse(recovered.throttle().active());
    assertEquals(1, recovered.throttle().throttles());
    assertTrue(mostInUse.get() <= CAPACITY, "at most " + CAPACITY + " calls at once, saw " + mostInUse.get());
    assertEquals(CAPACITY, mostInUse.get());
  }

  @Test
  void aRequestThatWaitsTooLongFailsTimedOut() throws Exception {
    ActorRef<Object> holder = campaign("campaign-busy");
    List<CompletableFuture<Lease>> requests = new ArrayList<>();
    for (int call = 0; call < CAPACITY; call++) {
      requests.add(acquire(holder, "campaign-busy"));
    }
    settled(requests, CAPACITY);
    CompletableFuture<Lease> late =
        slots.acquire(holder, "campaign-late", Priority.HIGH, Duration.ofSeconds(30)).toCompletableFuture();
    stats();
    manualTime.timePasses(Duration.ofSeconds(30));
    ExecutionException failure = assertThrows(ExecutionException.class, () -> granted(late));
    assertEquals(RejectReason.TIMED_OUT, assertInstanceOf(PermitUnavailableException.class, failure.getCause())
        .reason());
  }

  @Test
  void aSlotNeedsAHolderAndAPositiveWait() {
    ExecutionException noHolder = assertThrows(ExecutionException.class,
        () -> granted(slots.acquire(null, "campaign-x").toCompletableFuture()));
    assertEquals(RejectReason.INVALID_REQUEST,
        assertInstanceOf(PermitUnavailableException.class, noHolder.getCause()).reason());
    ExecutionException noWait = assertThrows(ExecutionException.class, () -> granted(
        slots.acquire(campaign("campaign-y"), "campaign-y", Priority.NORMAL, Duration.ZERO).toCompletableFuture()));
    assertEquals(RejectReason.INVALID_REQUEST,
        assertInstanceOf(PermitUnavailableException.class, noWait.getCause()).reason());
  }

  @Test
  void aSupervisorThatDoesNotAnswerInTimeIsToldTheRequestWasGivenUp() throws Exception {
    TestProbe<PermitCommand> silent = testKit.createTestProbe();
    CallSlots unanswered = new CallSlots(silent.getRef(), new CallSlotResource(1), testKit.system(), LONG_WAIT);
    CompletableFuture<Lease> slot = unanswered.acquire(campaign("campaign-z"), "campaign-z", Priority.NORMAL,
        Duration.ofSeconds(5)).toCompletableFuture();
    Acquire request = silent.expectMessageClass(Acquire.class);
    manualTime.timePasses(Duration.ofSeconds(5).plus(CallSlots.REPLY_GRACE));
    ExecutionException failure = assertThrows(ExecutionException.class, () -> granted(slot));
    assertEquals(RejectReason.TIMED_OUT,
        assertInstanceOf(PermitUnavailableException.class, failure.getCause()).reason());
    assertEquals(new GiveUp(request.replyTo(), request.requestId()), silent.expectMessageClass(GiveUp.class));
  }
}
