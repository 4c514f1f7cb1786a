package io.sluice.orchestrator.provider;

import static io.sluice.orchestrator.provider.ProviderFixtures.VALID_NUMBER;
import static io.sluice.orchestrator.provider.ProviderFixtures.call;
import static io.sluice.orchestrator.provider.ProviderFixtures.client;
import static io.sluice.orchestrator.provider.ProviderFixtures.simulated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.sluice.orchestrator.signing.StandardWebhooks;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against the simulated provider over real HTTP on loopback. */
class CallProviderClientTest {
  /** Nobody listens there: outcome events of these tests are not under test. */
  private static final String NO_CALLBACK = "http://127.0.0.1:9/v1/provider/events";
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("CallProviderClientTest");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static SimulatedProvider provider(Duration latency, int cap, Duration retryAfter) throws Exception {
    return SimulatedProvider.start(testKit.system(), simulated(latency, cap, retryAfter),
        StandardWebhooks.generateSecret()).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Test
  void theThrottleBurstsOnlyWhatOneSchedulerTickEarns() {
    Duration tick = Duration.ofMillis(10);
    assertEquals(1, CallProviderClient.burst(10, tick), "a low rate stays evenly spaced");
    assertEquals(1, CallProviderClient.burst(100, tick));
    assertEquals(2, CallProviderClient.burst(150, tick));
    assertEquals(1000, CallProviderClient.burst(100_000, tick));
  }

  @Test
  void aRateAboveOneCallPerSchedulerTickIsNotCappedAtTheTick() throws Exception {
    SimulatedProvider provider = provider(Duration.ofMinutes(1), 1000, Duration.ofSeconds(1));
    CallProviderClient client = new CallProviderClient(testKit.system(),
        client(provider.url(), NO_CALLBACK, 5000, 0, 1000));
    List<CompletionStage<PlaceCallResult>> placed = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      placed.add(client.placeCall(call("c-fast", VALID_NUMBER, NO_CALLBACK)));
    }
    for (CompletionStage<PlaceCallResult> result : placed) {
      assertInstanceOf(PlaceCallResult.Placed.class, await(result));
    }
    List<Instant> times = provider.requestTimes();
    Duration span = Duration.between(times.get(0), times.get(times.size() - 1));
    // One request per 10 ms tick, the cap a burst of one would impose, needs at least 5 s for 500 requests.
    assertTrue(span.compareTo(Duration.ofSeconds(3)) < 0, "500 requests at 5000/s took " + span);
    provider.stop();
  }

  @Test
  void aLostAnswerIsRetriedUnderTheSameKeyAndPlacesOneCall() throws Exception {
    SimulatedProvider provider = provider(Duration.ofMillis(100), 10, Duration.ofSeconds(1));
    CallProviderClient client = new CallProviderClient(testKit.system(), client(provider.url(), NO_CALLBACK, 50, 3, 10));
    PlaceCall call = call("c-retry", VALID_NUMBER, NO_CALLBACK);
    provider.failNext(1);

    PlaceCallResult result = await(client.placeCall(call));

    assertInstanceOf(PlaceCallResult.Placed.class, result);
    assertEquals(2, provider.requestTimes().size(), "the 500 and the retry");
    assertEquals(1, provider.callsPlaced());
    assertEquals(Set.of(call.idempotencyKey()), provider.keysSeen());
    assertEquals(Set.of(call.idempotencyKey()), provider.keysByLeadAttempt()
        .get(new SimulatedProvider.LeadAttempt("c-retry", call.leadId(), 1)));
    provider.stop();
  }

  @Test
  void retriesStopAfterMaxRetries() throws Exception {
    SimulatedProvider provider = provider(Duration.ofMillis(100), 10, Duration.ofSeconds(1));
    CallProviderClient client = new CallProviderClient(testKit.system(), client(provider.url(), NO_CALLBACK, 50, 2, 10));
    provider.failNext(2);
    assertInstanceOf(PlaceCallResult.Placed.class, await(client.placeCall(call("c-max", VALID_NUMBER, NO_CALLBACK))));
    assertEquals(3, provider.requestTimes().size(), "first try and two retries");

    provider.failNext(3);
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> await(client.placeCall(call("c-max", VALID_NUMBER, NO_CALLBACK))));
    CallProviderException error = assertInstanceOf(CallProviderException.class, failed.getCause());
    assertTrue(error.transientFailure());
    assertEquals(6, provider.requestTimes().size());
    assertEquals(2, provider.callsPlaced(), "still one call per key");
    provider.stop();
  }

  @Test
  void tooManyCallsAnswerRateLimitedWithRetryAfterAndAreNotRetried() throws Exception {
    SimulatedProvider provider = provider(Duration.ofSeconds(10), 1, Duration.ofSeconds(7));
    CallProviderClient client = new CallProviderClient(testKit.system(), client(provider.url(), NO_CALLBACK, 50, 3, 10));

    assertInstanceOf(PlaceCallResult.Placed.class, await(client.placeCall(call("c-429", VALID_NUMBER, NO_CALLBACK))));
    PlaceCallResult second = await(client.placeCall(call("c-429", VALID_NUMBER, NO_CALLBACK)));

    assertEquals(new PlaceCallResult.RateLimited(Duration.ofSeconds(7)), second);
    assertEquals(2, provider.requestTimes().size());
    assertEquals(1, provider.callsPlaced());
    assertEquals(1, provider.maxInFlight());
    provider.stop();
  }

  @Test
  void anInvalidNumberIsPermanent() throws Exception {
    SimulatedProvider provider = provider(Duration.ofMillis(100), 10, Duration.ofSeconds(1));
    CallProviderClient client = new CallProviderClient(testKit.system(), client(provider.url(), NO_CALLBACK, 50, 3, 10));

    PlaceCallResult result = await(client.placeCall(call("c-400", "+1555", NO_CALLBACK)));

    assertEquals(new PlaceCallResult.Permanent("invalid number"), result);
    assertEquals(1, provider.requestTimes().size(), "a 400 is not retried");
    assertEquals(0, provider.callsPlaced());
    provider.stop();
  }

  @Test
  void requestsNeverExceedCallsPerSecond() throws Exception {
    int callsPerSecond = 5;
    SimulatedProvider provider = provider(Duration.ofMillis(50), 100, Duration.ofSeconds(1));
    CallProviderClient client = new CallProviderClient(testKit.system(),
        client(provider.url(), NO_CALLBACK, callsPerSecond, 0, 100));
    List<CompletionStage<PlaceCallResult>> results = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      results.add(client.placeCall(call("c-rate", VALID_NUMBER, NO_CALLBACK)));
    }
    for (CompletionStage<PlaceCallResult> result : results) {
      assertInstanceOf(PlaceCallResult.Placed.class, await(result));
    }

    List<Instant> times = new ArrayList<>(provider.requestTimes());
    times.sort(null);
    assertEquals(15, times.size());
    // Sent 200 ms apart; arrivals may bunch by a request from loopback and scheduling jitter on a loaded machine,
    // while an unthrottled client would deliver all 15 within a few milliseconds.
    for (Instant start : times) {
      long inWindow = times.stream().filter(t -> !t.isBefore(start) && t.isBefore(start.plusSeconds(1))).count();
      assertTrue(inWindow <= callsPerSecond + 2, "at most " + (callsPerSecond + 2) + " requests in a second, saw "
          + inWindow);
    }
    Duration span = Duration.between(times.get(0), times.get(times.size() - 1));
    assertTrue(span.compareTo(Duration.ofMillis(2500)) >= 0, "15 requests at 5/s take about 2.8 s, took " + span);
    provider.stop();
  }

  @Test
  void aFullQueueFailsAtOnce() throws Exception {
    SimulatedProvider provider = provider(Duration.ofMillis(50), 100, Duration.ofSeconds(1));
    CallProviderClient client = new CallProviderClient(testKit.system(), client(provider.url(), NO_CALLBACK, 2, 0, 1));
    List<CompletionStage<PlaceCallResult>> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      results.add(client.placeCall(call("c-full", VALID_NUMBER, NO_CALLBACK)));
    }
    int placed = 0;
    int refused = 0;
    for (CompletionStage<PlaceCallResult> result : results) {
      try {
        assertInstanceOf(PlaceCallResult.Placed.class, await(result));
        placed++;
      } catch (ExecutionException e) {
        assertInstanceOf(ProviderQueueFullException.class, e.getCause());
        refused++;
      }
    }
    assertTrue(refused >= 5, "most of a burst of 10 into a queue of 1 are refused, refused " + refused);
    assertEquals(placed, provider.callsPlaced());
    provider.stop();
  }

  @Test
  void anUnreachableProviderFailsTransientlyAfterItsRetries() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CallProviderClient client = new CallProviderClient(testKit.system(),
        client("http://127.0.0.1:" + closedPort, NO_CALLBACK, 50, 2, 10));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> await(client.placeCall(call("c-down", VALID_NUMBER, NO_CALLBACK))));
    CallProviderException error = assertInstanceOf(CallProviderException.class, failed.getCause());
    assertTrue(error.transientFailure());
  }
}
