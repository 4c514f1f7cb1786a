package io.sluice.orchestrator.provider;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.pattern.Patterns;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.QueueOfferResult;
import akka.stream.ThrottleMode;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.ProviderSettings;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places calls with the call provider ({@code POST {url}/v1/calls}, docs/CALL_PROVIDER.md).
 *
 * <p>Every HTTP request, first try or retry, passes one bounded queue throttled to the account-wide
 * {@code calls-per-second} (evenly spaced, no burst beyond what one scheduler tick lets through: see {@link #burst}),
 * then at most {@code max-concurrent-requests} run at once. A full queue fails the call at once with {@link ProviderQueueFullException} rather than buffering without bound.
 *
 * <p>Transient failures (5xx other than 503, connection failures, time-outs) are retried with exponential backoff and
 * jitter by {@link Patterns#retry}, always under the call's one idempotency key, so a request the provider did
 * receive but whose answer was lost never places a second call. 429 and 503 are not retried here: they come back as
 * {@link PlaceCallResult.RateLimited}, because the caller, not this client, decides how many calls it keeps open.
 * Every response body is read (or discarded) so that no connection is left stalled.
 */
public final class CallProviderClient {
  private static final Logger log = LoggerFactory.getLogger(CallProviderClient.class);
  /** Used when a 429/503 carries no usable {@code Retry-After}. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  private static final double BACKOFF_JITTER = 0.2;

  private final ActorSystem<?> system;
  private final ProviderSettings settings;
  private final Http http;
  private final Materializer materializer;
  private final ObjectMapper mapper;
  private final String callsUrl;
  private final BoundedSourceQueue<Attempt> queue;
  /**
   * Where continuations of Akka's stages run. The {@code CompletionStage} Akka's Java API returns (Scala's adapter)
   * runs even a plain {@code thenApply} asynchronously on the JDK's default executor, which is a new thread per task
   * when the common pool has fewer than two threads (on 2 cores): given the system's dispatcher instead.
   */
  private final Executor continuations;

  /** One HTTP request of a call, waiting for its turn under the rate limit. */
  private record Attempt(PlaceCall call, byte[] body, int number, CompletableFuture<Answer> answer) {}

  /**
   * What one request produced, when it is not a transient failure (those fail the stage, which is what
   * {@link Patterns#retry} retries): a result for the caller, or a refusal that no retry can change.
   */
  private sealed interface Answer {}

  private record Final(PlaceCallResult result) implements Answer {}

  private record Refused(CallProviderException error) implements Answer {}

  public CallProviderClient(ActorSystem<?> system, ProviderSettings settings) {
    this.system = system;
    this.settings = settings;
    this.continuations = system.executionContext();
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    this.callsUrl = settings.url().replaceAll("/+$", "") + "/v1/calls";
    this.queue = Source.<Attempt>queue(settings.queueSize())
        .throttle(settings.callsPerSecond(), Duration.ofSeconds(1),
            burst(settings.callsPerSecond(), system.settings().config().getDuration("akka.scheduler.tick-duration")),
            ThrottleMode.shaping())
        .mapAsyncUnordered(settings.maxConcurrentRequests(), this::send)
        .to(Sink.ignore())
        .run(materializer);
  }

  /**
   * Places the call, retrying transient failures under the same idempotency key.
   *
   * @return the provider's answer; fails with {@link CallProviderException} when retries are spent or the provider
   *     refused the request itself, and with {@link ProviderQueueFullException} when the rate-limit queue is full
   */
  public CompletionStage<PlaceCallResult> placeCall(PlaceCall call) {
    byte[] body;
    try {
      body = mapper.writeValueAsBytes(CallRequestBody.of(call));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(new CallProviderException("cannot write the call request", false, e));
    }
    AtomicInteger attempts = new AtomicInteger();
    return Patterns.retry(() -> attempt(call, body, attempts.incrementAndGet()), settings.maxRetries(),
            settings.minBackoff(), settings.maxBackoff(), BACKOFF_JITTER, system)
        .thenComposeAsync(answer -> answer instanceof Final done
            ? CompletableFuture.completedFuture(done.result())
            : CompletableFuture.failedFuture(((Refused) answer).error()), continuations);
  }

  /**
   * The throttle's burst: one, so that requests are evenly spaced, unless the rate allows more than one request per
   * scheduler tick. Akka's throttle cannot wait less than a tick, so a burst of one would cap any higher rate near one
   * request per tick (100 a second with the default 10 ms tick); the burst lets through what one tick's wait earned.
   */
  static int burst(int callsPerSecond, Duration tick) {
    return (int) Math.max(1, Math.ceil(callsPerSecond * (tick.toNanos() / 1e9)));
  }

  /** Stops taking calls; requests already queued still go out. */
  public void close() {
    queue.complete();
  }

  private CompletionStage<Answer> attempt(PlaceCall call, byte[] body, int number) {
    Attempt attempt = new Attempt(call, body, number, new CompletableFuture<>());
    QueueOfferResult offered = queue.offer(attempt);
    if (offered.isEnqueued()) {
      return attempt.answer();
    }
    CallProviderException refusal = offered == QueueOfferResult.dropped()
        ? new ProviderQueueFullException(settings.queueSize())
        : new CallProviderException("the call provider client is closed", false);
    return CompletableFuture.completedFuture(new Refused(refusal));
  }

  /** Runs one request and completes its attempt; never fails itself, so one bad request cannot stop the stream. */
  private CompletionStage<Done> send(Attempt attempt) {
    PlaceCall call = attempt.call();
    HttpRequest request = HttpRequest.POST(callsUrl)
        .addHeader(RawHeader.create("Idempotency-Key", call.idempotencyKey()))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, attempt.body()));
    if (!settings.apiKey().isEmpty()) {
      request = request.addHeader(Authorization.oauth2(settings.apiKey()));
    }
    long timeoutMillis = settings.requestTimeout().toMillis();
    // The body is always read to the end, also after the time-out below has already given up on the answer.
    CompletableFuture<Answer> exchange = http.singleRequest(request)
        .thenComposeAsync(response -> response.entity().toStrict(timeoutMillis, materializer)
            .thenApplyAsync(body -> interpret(call, response, body), continuations), continuations)
        .toCompletableFuture()
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    return exchange.handle((answer, error) -> {
      if (error == null) {
        attempt.answer().complete(answer);
      } else {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        log.info("call request failed: key={} campaign={} lead={} attempt={} try={} error={}",
            call.idempotencyKey(), call.campaignId(), call.leadId(), call.attempt(), attempt.number(),
            describe(cause));
        attempt.answer().completeExceptionally(cause instanceof CallProviderException failure ? failure
            : new CallProviderException("no answer from the call provider: " + describe(cause), true, cause));
      }
      return Done.getInstance();
    });
  }

  private Answer interpret(PlaceCall call, HttpResponse response, HttpEntity.Strict body) {
    int status = response.status().intValue();
    log.debug("call request answered: key={} campaign={} lead={} attempt={} status={}", call.idempotencyKey(),
        call.campaignId(), call.leadId(), call.attempt(), status);
    if (status == 200 || status == 201) {
      return placed(body);
    }
    if (status == 429 || status == 503) {
      return new Final(new PlaceCallResult.RateLimited(retryAfter(response)));
    }
    if (status == 400 || status == 422) {
      return new Final(new PlaceCallResult.Permanent(reason(body, response)));
    }
    if (status >= 500) {
      throw new CallProviderException("the call provider answered " + status, true);
    }
    return new Refused(new CallProviderException("the call provider refused the request: " + status + " "
        + reason(body, response), false));
  }

  private Answer placed(HttpEntity.Strict body) {
    try {
      CallCreated created = mapper.readValue(body.getData().toArray(), CallCreated.class);
      if (created.callId() != null && !created.callId().isBlank()) {
        return new Final(new PlaceCallResult.Placed(created.callId()));
      }
    } catch (IOException e) {
      // reported below
    }
    return new Refused(new CallProviderException("the call provider accepted the call without a readable callId",
        false));
  }

  private static Duration retryAfter(HttpResponse response) {
    Optional<RetryAfter> header = response.getHeader(RetryAfter.class);
    if (header.isEmpty()) {
      return DEFAULT_RETRY_AFTER;
    }
    Optional<Long> seconds = header.get().getDelaySeconds();
    if (seconds.isPresent()) {
      return Duration.ofSeconds(seconds.get());
    }
    return header.get().getDateTime()
        .map(date -> Duration.between(Instant.now(), Instant.ofEpochMilli(date.clicks())))
        .filter(delay -> !delay.isNegative())
        .orElse(DEFAULT_RETRY_AFTER);
  }

  /** The {@code error} field of a JSON error body, else the status' reason phrase. */
  private String reason(HttpEntity.Strict body, HttpResponse response) {
    try {
      JsonNode error = mapper.readTree(body.getData().toArray()).path("error");
      if (error.isTextual()) {
        return error.asText();
      }
    } catch (IOException e) {
      // not JSON: fall back to the status line
    }
    return response.status().reason();
  }

  private static String describe(Throwable error) {
    return error instanceof TimeoutException ? "timed out" : error.toString();
  }
}
