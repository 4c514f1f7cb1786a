package io.sluice.orchestrator.classifier;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.PathMatchers.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.server.Route;
import io.sluice.config.ClassifierSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The classifier client against real Akka HTTP servers on loopback: the simulated classifier, and scripted ones. */
class ClassifierClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static ActorTestKit testKit;
  private final List<ServerBinding> bindings = new ArrayList<>();
  private final List<SimulatedClassifier> simulated = new ArrayList<>();

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create("ClassifierClientTest");
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void unbind() throws Exception {
    for (ServerBinding binding : bindings) {
      binding.unbind().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    for (SimulatedClassifier server : simulated) {
      server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static ClassifierSettings settings(String url, Duration timeout, int attempts) {
    return new ClassifierSettings(true, url, timeout, attempts, Duration.ofMillis(50), Duration.ofMillis(200), 0.2,
        8, new ClassifierSettings.Simulated(false, 0, Duration.ZERO));
  }

  private SimulatedClassifier simulated(Duration latency) throws Exception {
    SimulatedClassifier server = SimulatedClassifier.start(testKit.system(), 0, latency).toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    simulated.add(server);
    return server;
  }

  /** A classifier whose n-th answer (from 1) is {@code answer.apply(n)}; returns its url. */
  private String scripted(AtomicInteger received, IntFunction<Route> answer) throws Exception {
    Route route = path(segment("v1").slash("classify"), () -> post(() -> extractRequest(request ->
        answer.apply(received.incrementAndGet()))));
    ServerBinding binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(route)
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    bindings.add(binding);
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/v1/classify";
  }

  private static Route json(int status, String body) {
    return complete(akka.http.javadsl.model.HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
  }

  private static ClassifyRequest call(String id, int providerScore) {
    return new ClassifyRequest(id, "asked for pricing and a demo next week", providerScore,
        Map.of("company", "Acme", "country", "DE"));
  }

  private static Classification classified(ClassifierClient client, ClassifyRequest request) throws Exception {
    return client.classify(request).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static ClassifierException failure(ClassifierClient client, ClassifyRequest request) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> classified(client, request));
    return assertInstanceOf(ClassifierException.class, e.getCause());
  }

  @Test
  void classifiesThroughTheSimulatedClassifierConcurrently() throws Exception {
    SimulatedClassifier server = simulated(Duration.ofMillis(300));
    ClassifierClient client = new ClassifierClient(testKit.system(), settings(server.url(), Duration.ofSeconds(3), 1));
    CompletableFuture<Classification> hot = client.classify(call("c-1", 82)).toCompletableFuture();
    CompletableFuture<Classification> warm = client.classify(call("c-2", 55)).toCompletableFuture();
    CompletableFuture<Classification> cold = client.classify(call("c-3", 12)).toCompletableFuture();
    CompletableFuture.allOf(hot, warm, cold).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(new Classification(82, Classification.Label.HOT, "simulated: provider score 82 is HOT"), hot.get());
    assertEquals(Classification.Label.WARM, warm.get().label());
    assertEquals(Classification.Label.COLD, cold.get().label());
    assertEquals(3, server.requests());
    assertEquals(3, server.maxConcurrency(), "the three calls were classified side by side");
  }

  @Test
  void anAnswerSlowerThanTheTimeOutFailsAfterEveryAttempt() throws Exception {
    SimulatedClassifier server = simulated(Duration.ofSeconds(2));
    ClassifierClient client =
        new ClassifierClient(testKit.system(), settings(server.url(), Duration.ofMillis(300), 2));
    long start = System.nanoTime();
    ClassifierException e = failure(client, call("c-slow", 90));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(1500)) < 0,
        "gave up without waiting for the slow answers");
    assertTrue(e.isTransient());
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertTrue(e.getMessage().contains("sluice.classifier.timeout"), e.getMessage());
    assertEquals(2, server.requests(), "tried twice");
  }

  @Test
  void a503IsTriedAgainAndTheSecondAnswerCounts() throws Exception {
    AtomicInteger received = new AtomicInteger();
    String url = scripted(received, n -> n == 1
        ? json(503, "{\"status\":503,\"error\":\"warming up\"}")
        : json(200, "{\"score\":64,\"label\":\"WARM\",\"reason\":\"interested, no budget yet\"}"));
    ClassifierClient client = new ClassifierClient(testKit.system(), settings(url, Duration.ofSeconds(2), 3));
    assertEquals(new Classification(64, Classification.Label.WARM, "interested, no budget yet"),
        classified(client, call("c-retry", 50)));
    assertEquals(2, received.get());
  }

  @Test
  void aRefusalIsNotTriedAgain() throws Exception {
    AtomicInteger received = new AtomicInteger();
    String url = scripted(received, n -> json(400, "{\"status\":400,\"error\":\"bad\",\"field\":\"lead\"}"));
    ClassifierClient client = new ClassifierClient(testKit.system(), settings(url, Duration.ofSeconds(2), 3));
    ClassifierException e = failure(client, call("c-refused", 50));
    assertFalse(e.isTransient());
    assertTrue(e.getMessage().startsWith("HTTP 400"), e.getMessage());
    assertEquals(1, received.get());
  }

  @Test
  void anOutOfRangeScoreIsRefusedWithoutRetry() throws Exception {
    AtomicInteger received = new AtomicInteger();
    String url = scripted(received, n -> json(200, "{\"score\":150,\"label\":\"HOT\",\"reason\":\"?\"}"));
    ClassifierClient client = new ClassifierClient(testKit.system(), settings(url, Duration.ofSeconds(2), 3));
    ClassifierException e = failure(client, call("c-odd", 50));
    assertFalse(e.isTransient());
    assertTrue(e.getMessage().contains("score must lie between 0 and 100"), e.getMessage());
    assertEquals(1, received.get());
  }

  @Test
  void theSimulatedClassifierNamesTheFieldAtFault() throws Exception {
    SimulatedClassifier server = simulated(Duration.ZERO);
    ClassifierClient client = new ClassifierClient(testKit.system(), settings(server.url(), Duration.ofSeconds(2), 2));
    ClassifierException e = failure(client, call("c-bad", 101));
    assertFalse(e.isTransient());
    assertTrue(e.getMessage().contains("\"field\":\"providerScore\""), e.getMessage());
  }

  @Test
  void anUnreachableClassifierFailsTransiently() throws Exception {
    AtomicInteger received = new AtomicInteger();
    String url = scripted(received, n -> json(200, "{}"));
    bindings.remove(0).unbind().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ClassifierClient client = new ClassifierClient(testKit.system(), settings(url, Duration.ofSeconds(1), 2));
    assertTrue(failure(client, call("c-gone", 50)).isTransient());
    assertEquals(0, received.get());
  }
}
