package io.sluice.orchestrator.classifier;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.pattern.Patterns;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the classifier, for demos and tests: a real Akka HTTP server on 127.0.0.1 that answers
 * {@code POST /v1/classify} after a fixed latency, as a model would, labelling from the provider's score alone: the
 * score stays, {@value #HOT_FROM} and above is HOT, {@value #WARM_FROM} and above WARM, below that COLD. It counts the
 * requests it received and the most it had in hand at once, so a test can see how the client loaded it.
 */
public final class SimulatedClassifier {
  private static final Logger log = LoggerFactory.getLogger(SimulatedClassifier.class);
  static final int HOT_FROM = 70;
  static final int WARM_FROM = 40;
  /** The path a classification is POSTed to. */
  public static final String PATH = "/v1/classify";

  private final ServerBinding binding;
  private final AtomicInteger requests;
  private final AtomicInteger mostInFlight;

  private SimulatedClassifier(ServerBinding binding, AtomicInteger requests, AtomicInteger mostInFlight) {
    this.binding = binding;
    this.requests = requests;
    this.mostInFlight = mostInFlight;
  }

  /** An error answer, naming the field at fault. */
  record Problem(int status, String error, String field) {}

  /**
   * Binds the server.
   *
   * @param port on 127.0.0.1; 0 picks a free port
   * @param latency how long each answer takes
   */
  public static CompletionStage<SimulatedClassifier> start(ActorSystem<?> system, int port, Duration latency) {
    ObjectMapper mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    Route route = path(segment("v1").slash("classify"), () -> post(() ->
        entity(Unmarshaller.entityToString(), body -> {
          requests.incrementAndGet();
          ClassifyRequest request;
          try {
            request = mapper.readValue(body, ClassifyRequest.class);
          } catch (JsonProcessingException e) {
            return complete(StatusCodes.BAD_REQUEST, new Problem(400, "unreadable request: " + e.getOriginalMessage(),
                "body"), Jackson.marshaller(mapper));
          }
          if (request.providerScore() < 0 || request.providerScore() > 100) {
            return complete(StatusCodes.BAD_REQUEST, new Problem(400, "providerScore must lie between 0 and 100,"
                + " was " + request.providerScore(), "providerScore"), Jackson.marshaller(mapper));
          }
          mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          CompletionStage<Classification> answer = Patterns.after(latency, system.classicSystem(),
              () -> CompletableFuture.completedFuture(classify(request)));
          return onSuccess(answer.whenComplete((done, failure) -> inFlight.decrementAndGet()),
              classification -> complete(StatusCodes.OK, classification, Jackson.marshaller(mapper)));
        })));
    return Http.get(system).newServerAt("127.0.0.1", port).bind(route).thenApply(binding -> {
      log.info("simulated classifier listening: url=http://127.0.0.1:{}{} latency={}",
          binding.localAddress().getPort(), PATH, latency);
      return new SimulatedClassifier(binding, requests, mostInFlight);
    });
  }

  /** The deterministic labelling: the provider's score decides. */
  static Classification classify(ClassifyRequest request) {
    int score = request.providerScore();
    Classification.Label label = score >= HOT_FROM ? Classification.Label.HOT
        : score >= WARM_FROM ? Classification.Label.WARM
        : Classification.Label.COLD;
    return new Classification(score, label, "simulated: provider score " + score + " is " + label);
  }

  /** Where to send classifications: the value for {@code sluice.classifier.url}. */
  public String url() {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + PATH;
  }

  /** Requests received since start, answered or not. */
  public int requests() {
    return requests.get();
  }

  /** The most classifications it was working on at once. */
  public int maxConcurrency() {
    return mostInFlight.get();
  }

  /** Unbinds, letting answers in progress finish within {@code deadline}. */
  public CompletionStage<Done> stop(Duration deadline) {
    return binding.terminate(deadline).thenApply(terminated -> Done.getInstance());
  }
}
