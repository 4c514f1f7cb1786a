package io.sluice.orchestrator.provider;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.headers.RawHeader;
import akka.pattern.Patterns;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import akka.stream.Materializer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.signing.StandardWebhooks;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated provider's side of the outcome webhook: posts a {@link ProviderEvent} signed per Standard Webhooks and
 * retries with backoff until the receiver answers 2xx, as a real provider does. Each delivery is signed afresh (new
 * timestamp) under the same {@code webhook-id}, so the receiver can deduplicate it.
 */
final class SignedEventSender {
  private static final Logger log = LoggerFactory.getLogger(SignedEventSender.class);
  /**
   * About a minute of delivery attempts (backoff doubling from 100 ms to 5 s): long enough to outlast a restart of the
   * receiving service, as real providers retry for hours.
   */
  static final int RETRIES = 16;
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final StandardWebhooks signer;
  private final Http http;
  private final Materializer materializer;
  private final ObjectMapper mapper;
  /**
   * Where continuations of Akka's stages run. The {@code CompletionStage} Akka's Java API returns (Scala's adapter)
   * runs even a plain {@code thenApply} asynchronously on the JDK's default executor, which is a new thread per task
   * when the common pool has fewer than two threads (on 2 cores): given the system's dispatcher instead.
   */
  private final Executor continuations;

  SignedEventSender(ActorSystem<?> system, StandardWebhooks signer) {
    this.system = system;
    this.signer = signer;
    this.http = Http.get(system);
    this.continuations = system.executionContext();
    this.materializer = Materializer.matFromSystem(system);
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  /** Delivers the event to {@code url}; the stage fails once every retry has failed. */
  CompletionStage<Integer> send(String url, ProviderEvent event) {
    String body;
    try {
      body = mapper.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the provider event", e);
    }
    return Patterns.retry(() -> deliverOnce(url, event.eventId(), body), RETRIES, MIN_BACKOFF, MAX_BACKOFF, 0.2,
        system);
  }

  private CompletionStage<Integer> deliverOnce(String url, String eventId, String body) {
    StandardWebhooks.Headers headers = signer.headersFor(eventId, body);
    HttpRequest request = HttpRequest.POST(url)
        .addHeader(RawHeader.create(StandardWebhooks.ID_HEADER, headers.id()))
        .addHeader(RawHeader.create(StandardWebhooks.TIMESTAMP_HEADER, headers.timestamp()))
        .addHeader(RawHeader.create(StandardWebhooks.SIGNATURE_HEADER, headers.signature()))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    return http.singleRequest(request)
        .thenComposeAsync(response -> response.discardEntityBytes(materializer).completionStage().thenApplyAsync(done -> {
          int status = response.status().intValue();
          if (status < 200 || status >= 300) {
            log.info("outcome event refused: event={} status={}", eventId, status);
            throw new IllegalStateException("outcome event " + eventId + " answered " + status);
          }
          return status;
        }, continuations), continuations)
        .toCompletableFuture()
        .orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
