package io.sluice.orchestrator.classifier;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.PathMatchers.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.ClassifierSettings;
import io.sluice.orchestrator.campaign.CallRefiner;
import io.sluice.orchestrator.campaign.LeadToDial;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CallReport;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The campaign's refiner over a real classifier on loopback: what is sent, what comes back, what a failure means. */
class ClassifierRefinerTest {
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static final AtomicReference<String> lastBody = new AtomicReference<>();
  private static final AtomicReference<Integer> status = new AtomicReference<>(200);

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("ClassifierRefinerTest");
    Route route = path(segment("v1").slash("classify"), () -> post(() ->
        entity(Unmarshaller.entityToString(), body -> {
          lastBody.set(body);
          return complete(HttpResponse.create().withStatus(status.get()).withEntity(HttpEntities.create(
              ContentTypes.APPLICATION_JSON, "{\"score\":91,\"label\":\"HOT\",\"reason\":\"wants a demo\"}")));
        })));
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  private static CallRefiner refiner() {
    ClassifierSettings settings = new ClassifierSettings(true,
        "http://127.0.0.1:" + binding.localAddress().getPort() + "/v1/classify", Duration.ofSeconds(2), 1,
        Duration.ofMillis(50), Duration.ofMillis(100), 0.1, 2, new ClassifierSettings.Simulated(false, 0,
        Duration.ZERO));
    return new ClassifierRefiner(testKit.system(), new ClassifierClient(testKit.system(), settings));
  }

  private static final CallReport REPORT =
      new CallReport("evt-1", "call-1", 7, 1, CallOutcome.ANSWERED, 95, "asked for a demo next week", 64);

  private static LeadToDial lead(String metadataJson) {
    return new LeadToDial(7, "Ada Lovelace", "+4915112345678", Set.of(ZoneId.of("Europe/Berlin")), 1,
        metadataJson);
  }

  @Test
  void sendsTheSummaryScoreAndMetadataButNeitherNameNorPhone() throws Exception {
    status.set(200);
    CallRefiner.Refinement refinement = refiner().refine(REPORT, lead("{\"company\":\"Acme\",\"seats\":40}"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(new CallRefiner.Refinement(91, "HOT"), refinement);
    JsonNode sent = new ObjectMapper().readTree(lastBody.get());
    assertEquals("call-1", sent.get("callId").asText());
    assertEquals("asked for a demo next week", sent.get("transcriptSummary").asText());
    assertEquals(64, sent.get("providerScore").asInt());
    assertEquals("Acme", sent.get("lead").get("company").asText());
    assertEquals(40, sent.get("lead").get("seats").asInt());
    assertFalse(lastBody.get().contains("Lovelace") || lastBody.get().contains("+4915112345678"), lastBody.get());
  }

  @Test
  void metadataThatIsNotAJsonObjectIsLeftOut() throws Exception {
    status.set(200);
    refiner().refine(REPORT, lead("not json")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(0, new ObjectMapper().readTree(lastBody.get()).get("lead").size());
  }

  @Test
  void aRefusalFailsTheStageSoTheProviderScoreStands() {
    status.set(422);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> refiner().refine(REPORT, lead(null)).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(ClassifierException.class, e.getCause());
  }
}
