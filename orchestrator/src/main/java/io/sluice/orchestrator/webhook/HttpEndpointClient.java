package io.sluice.orchestrator.webhook;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.model.headers.UserAgent;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.AttemptOutcome.Kind;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers one signed attempt with Akka HTTP's client.
 *
 * <p>An attempt first runs the {@link DestinationGuard} on {@code resolving} (DNS blocks), and is REFUSED without a
 * byte sent if the URL fails it. It then POSTs the payload as {@code application/json} with the Standard Webhooks
 * headers, signed with every secret of the endpoint, through the endpoint's own connection pool
 * ({@link EndpointPools}: a hanging receiver never delays another endpoint, even one on the same host and port).
 * Akka HTTP follows no redirect, so a 3xx is a failure like any other non-2xx. The whole attempt, guard included, must
 * end within {@code attempt-timeout}; only the first {@code response-body-limit} bytes of the body are read, after
 * which the body is cancelled (its connection closed), so a huge or endless body is never buffered.
 *
 * <p>The returned stage never fails: every failure is an {@link AttemptOutcome}. Secrets are never logged or put in
 * an outcome.
 */
public final class HttpEndpointClient implements EndpointClient {
  private static final String USER_AGENT = "Sluice-Webhooks/1";
  /** Enough of an exception's text for an operator; Akka's connection errors are long. */
  private static final int MAX_ERROR_LENGTH = 500;

  private final ActorSystem<?> system;
  private final Http http;
  private final Materializer materializer;
  private final DestinationGuard guard;
  private final Executor resolving;
  /** Where continuations of Akka's stages run (see {@link ShardedEndpoints}'s). */
  private final Executor continuations;
  private final EndpointPools pools;
  private final Duration attemptTimeout;
  private final int bodyLimit;
  private final Clock clock;

  /**
   * @param settings {@code sluice.webhooks}: the attempt timeout and the response-body limit
   * @param resolving where the guard and the connections' DNS look-ups block, off the actor and HTTP threads
   * @param clock turns a {@code Retry-After} date into a delay
   */
  public HttpEndpointClient(ActorSystem<?> system, WebhookSettings settings, DestinationGuard guard,
      Executor resolving, Clock clock) {
    this.system = system;
    this.continuations = system.executionContext();
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.guard = guard;
    this.resolving = resolving;
    this.pools = new EndpointPools(system, guard, resolving, settings.attemptTimeout());
    this.attemptTimeout = settings.attemptTimeout();
    this.bodyLimit = settings.responseBodyLimit();
    this.clock = clock;
  }

  @Override
  public CompletionStage<AttemptOutcome> send(EndpointConfig endpoint, OutboundMessage message, Instant timestamp) {
    long started = System.nanoTime();
    URI url;
    try {
      url = new URI(endpoint.url());
    } catch (URISyntaxException e) {
      return CompletableFuture.completedFuture(outcome(Kind.REFUSED, 0, started, "", "the URL is not valid"));
    }
    String body = WebhookBody.of(message);
    String signature;
    try {
      signature = StandardWebhooks.sign(endpoint.secrets(), message.messageId(), timestamp.getEpochSecond(), body);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(outcome(Kind.FAILED, 0, started, "",
          "cannot sign: " + e.getMessage()));
    }
    // Completed by whichever comes first: the exchange, or the time-out below. The exchange runs on regardless,
    // so that a late response is still read (and cut short) rather than left to stall its connection.
    CompletableFuture<AttemptOutcome> attempt = new CompletableFuture<>();
    CompletableFuture.completedFuture(url)
        .thenApplyAsync(guard::refusal, resolving)
        .thenCompose(refusal -> refusal.isPresent()
            ? CompletableFuture.completedFuture(outcome(Kind.REFUSED, 0, started, "", refusal.get()))
            : exchange(endpoint, message, body, timestamp, signature, started))
        .whenComplete((outcome, error) -> attempt.complete(error == null ? outcome : failure(error, started)));
    return attempt.orTimeout(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(error -> failure(error, started));
  }

  private CompletionStage<AttemptOutcome> exchange(EndpointConfig endpoint, OutboundMessage message, String body,
      Instant timestamp, String signature, long started) {
    HttpRequest request;
    try {
      request = HttpRequest.POST(endpoint.url());
    } catch (RuntimeException e) {
      // Akka's URI parser is stricter than java.net.URI's.
      return CompletableFuture.completedFuture(outcome(Kind.REFUSED, 0, started, "",
          "the URL is not valid: " + e.getMessage()));
    }
    request = request
        .addHeader(RawHeader.create(StandardWebhooks.ID_HEADER, message.messageId()))
        .addHeader(RawHeader.create(StandardWebhooks.TIMESTAMP_HEADER, Long.toString(timestamp.getEpochSecond())))
        .addHeader(RawHeader.create(StandardWebhooks.SIGNATURE_HEADER, signature))
        .addHeader(UserAgent.create(USER_AGENT))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    EndpointPools.Pool pool = pools.of(endpoint);
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool.settings(), system.classicSystem().log())
        .thenComposeAsync(response -> prefix(response, started)
            .thenApplyAsync(prefix -> answered(response, prefix, started), continuations), continuations)
        .handleAsync((outcome, error) -> {
          if (error == null) {
            return outcome;
          }
          AttemptOutcome failed = failure(error, started);
          return failed.kind() == Kind.FAILED
              ? pool.refusal().map(reason -> outcome(Kind.REFUSED, 0, started, "", reason)).orElse(failed)
              : failed;
        }, continuations);
  }

  /**
   * The first {@code bodyLimit} bytes of the body as UTF-8. Reading stops at the limit or the attempt's deadline,
   * whichever comes first, and the rest of the body is cancelled, never read.
   */
  private CompletionStage<String> prefix(HttpResponse response, long started) {
    long remainingNanos = Math.max(attemptTimeout.toNanos() - (System.nanoTime() - started), 1);
    return response.entity().withoutSizeLimit().getDataBytes()
        .completionTimeout(Duration.ofNanos(remainingNanos))
        .scan(ByteString.emptyByteString(), (read, chunk) -> read.concat(chunk.take(bodyLimit - read.size())))
        .takeWhile(read -> read.size() < bodyLimit, true)
        .runWith(Sink.last(), materializer)
        .thenApplyAsync(read -> read.decodeString(StandardCharsets.UTF_8), continuations);
  }

  private AttemptOutcome answered(HttpResponse response, String prefix, long started) {
    int status = response.status().intValue();
    String line = "HTTP " + status + " " + response.status().reason();
    // Akka counts 3xx as success too.
    if (status >= 200 && status < 300) {
      return outcome(Kind.DELIVERED, status, started, prefix, null);
    }
    if (status == 410) {
      return outcome(Kind.GONE, status, started, prefix, line);
    }
    if (status == 429 || status == 503) {
      return new AttemptOutcome(Kind.THROTTLED, status, elapsedMillis(started), prefix, line,
          retryAfter(response));
    }
    return outcome(Kind.FAILED, status, started, prefix,
        response.status().isRedirection() ? line + ": redirects are not followed" : line);
  }

  /** The receiver's {@code Retry-After}, in seconds or as a date (then counted from now, never negative). */
  private Duration retryAfter(HttpResponse response) {
    Optional<RetryAfter> header = response.getHeader(RetryAfter.class);
    if (header.isEmpty()) {
      return null;
    }
    Optional<Long> seconds = header.get().getDelaySeconds();
    if (seconds.isPresent()) {
      return Duration.ofSeconds(seconds.get());
    }
    return header.get().getDateTime()
        .map(date -> Duration.between(clock.instant(), Instant.ofEpochMilli(date.clicks())))
        .map(delay -> delay.isNegative() ? Duration.ZERO : delay)
        .orElse(null);
  }

  private AttemptOutcome failure(Throwable error, long started) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException) {
      return outcome(Kind.TIMED_OUT, 0, started, "", "no complete answer within " + attemptTimeout);
    }
    String text = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    return outcome(Kind.FAILED, 0, started, "",
        text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) + "..." : text);
  }

  private static AttemptOutcome outcome(Kind kind, int status, long started, String prefix, String error) {
    return new AttemptOutcome(kind, status, elapsedMillis(started), prefix, error, null);
  }

  private static long elapsedMillis(long started) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }
}
