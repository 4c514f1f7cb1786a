package io.sluice.orchestrator.classifier;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.pattern.Patterns;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.ClassifierSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.duration.FiniteDuration;

/**
 * Asks the optional classifier to refine a finished call's score: one JSON POST per call, answered with a
 * {@link Classification}. A classification can take seconds, so callers must hold no database permit while they wait
 * (read under a permit, release, classify, write under a new permit).
 *
 * <p>Each attempt must bring the whole answer within {@code timeout}. Transient failures (the time-out, connection
 * errors, 429 and 5xx answers) are tried again with exponential backoff and jitter ({@link Patterns#retry}), up to
 * {@code attempts} in all; anything else (another 4xx, an unreadable or out-of-range answer) fails at once. The
 * stage then fails with a {@link ClassifierException}, and the caller keeps the provider's score: a classification
 * refines, it never blocks a lead.
 *
 * <p>Connections come from Akka HTTP's host pool, at most {@code max-connections}; a connection silent for the
 * attempt time-out is closed, so an abandoned attempt does not keep it.
 */
public final class ClassifierClient {
  private static final Logger log = LoggerFactory.getLogger(ClassifierClient.class);
  private static final int MAX_ERROR_BODY = 200;

  private final ActorSystem<?> system;
  private final ClassifierSettings settings;
  private final Http http;
  private final ObjectMapper mapper;
  private final ConnectionPoolSettings pool;

  /** @param settings {@code sluice.classifier}, its url pointing at the real or the simulated classifier */
  public ClassifierClient(ActorSystem<?> system, ClassifierSettings settings) {
    this.system = system;
    this.settings = settings;
    this.http = Http.get(system);
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    FiniteDuration silence = FiniteDuration.create(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    this.pool = ConnectionPoolSettings.create(system.classicSystem())
        .withMaxConnections(settings.maxConnections())
        // POST is not idempotent: the pool must not resend it on its own, the retry below decides.
        .withMaxRetries(0)
        .withConnectionSettings(ClientConnectionSettings.create(system.classicSystem()).withIdleTimeout(silence));
  }

  /**
   * Classifies one call.
   *
   * @return the classification; fails with {@link ClassifierException} when there is none to be had, and the
   *     caller then keeps the provider's score
   */
  public CompletionStage<Classification> classify(ClassifyRequest request) {
    HttpRequest post;
    try {
      post = HttpRequest.POST(settings.url())
          .withEntity(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(request));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(new ClassifierException("request could not be written", false, e));
    }
    // Patterns.retry's count is of the retries after the first attempt; sluice.classifier.attempts counts them all.
    CompletionStage<Outcome> outcome = Patterns.retry(() -> attempt(post, request.callId()), settings.attempts() - 1,
        settings.minBackoff(), settings.maxBackoff(), settings.randomFactor(), system.classicSystem());
    return outcome.thenApply(Outcome::classificationOrThrow).exceptionally(failure -> {
      Throwable cause = unwrap(failure);
      ClassifierException given = cause instanceof ClassifierException known ? known
          : new ClassifierException("classifier failed: " + cause, false, cause);
      log.warn("classification failed; the provider's score stands: callId={} transient={} error={}",
          request.callId(), given.isTransient(), given.getMessage());
      throw given;
    });
  }

  /**
   * What one attempt ended with when it is not worth another: the classification, or the classifier's refusal. A
   * transient failure fails the attempt's stage instead, which is what {@link Patterns#retry} tries again.
   */
  private record Outcome(Classification classification, ClassifierException refusal) {
    Classification classificationOrThrow() {
      if (refusal != null) {
        throw refusal;
      }
      return classification;
    }
  }

  private CompletionStage<Outcome> attempt(HttpRequest post, String callId) {
    return http.singleRequest(post, http.defaultClientHttpsContext(), pool, system.classicSystem().log())
        .thenCompose(response -> response.entity().toStrict(settings.timeout().toMillis(), system)
            .thenApply(body -> outcome(response.status(), body.getData().utf8String())))
        .toCompletableFuture()
        .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(failure -> {
          Throwable cause = unwrap(failure);
          ClassifierException transientFailure = cause instanceof ClassifierException known ? known
              : new ClassifierException(cause instanceof TimeoutException
                  ? "no answer within " + settings.timeout() + " (sluice.classifier.timeout)"
                  : "classifier unreachable: " + cause, true, cause);
          log.debug("classifier attempt failed: callId={} error={}", callId, transientFailure.getMessage());
          throw transientFailure;
        });
  }

  /** The answer's outcome; throws a transient {@link ClassifierException} for a 429 or 5xx, to be tried again. */
  private Outcome outcome(StatusCode status, String body) {
    if (status.isSuccess()) {
      try {
        Classification classification = mapper.readValue(body.getBytes(StandardCharsets.UTF_8), Classification.class);
        String problem = classification.problem();
        return problem == null
            ? new Outcome(classification, null)
            : new Outcome(null, new ClassifierException("unusable answer: " + problem, false, null));
      } catch (IOException e) {
        return new Outcome(null, new ClassifierException("unreadable answer: " + e.getMessage(), false, e));
      }
    }
    String failure = "HTTP " + status.intValue() + ": "
        + (body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "..." : body);
    if (status.intValue() == 429 || status.intValue() >= 500) {
      throw new ClassifierException(failure, true, null);
    }
    return new Outcome(null, new ClassifierException(failure, false, null));
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
