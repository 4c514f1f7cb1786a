package io.sluice.orchestrator.webhook;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ClientTransport;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.model.headers.UserAgent;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.AttemptOutcome.Kind;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import scala.concurrent.duration.FiniteDuration;

/**
 * Delivers one signed attempt with Akka HTTP's client.
 *
 * <p>An attempt first runs the {@link DestinationGuard} on {@code resolving} (DNS blocks), and is REFUSED without a
 * byte sent if the URL fails it. It then POSTs the payload as {@code application/json} with the Standard Webhooks
 * headers, signed with every secret of the endpoint. Akka HTTP follows no redirect, so a 3xx is a failure like any
 * other non-2xx. The whole attempt, guard included, must end within {@code attempt-timeout}; only the first
 * {@code response-body-limit} bytes of the body are read, after which the body is cancelled (its connection closed),
 * so a huge or endless body is never buffered.
 *
 * <p>Isolation: Akka HTTP shares a host connection pool among requests with equal (host, port, settings). Every
 * endpoint here gets settings of its own (a transport instance of its own, which Akka compares by identity), hence a
 * pool of its own, sized to its {@code maxConcurrency}: a receiver that hangs ties up only its own endpoint's
 * connections, never those of another endpoint on the same host and port. A connection silent for the attempt
 * timeout is closed, so an attempt given up on frees its connection soon after. Idle pools stop by themselves
 * ({@code akka.http.host-connection-pool.idle-timeout}); the per-endpoint settings are kept for reuse.
 *
 * <p>DNS rebinding: the transport resolves the host again when it opens a connection and passes the address it will
 * connect to through the guard once more, as a literal; a host that turned private between the check and the
 * connection is refused there too.
 *
 * <p>The returned stage never fails: every failure is an {@link AttemptOutcome}. Secrets are never logged or put in
 * an outcome.
 */
public final class HttpEndpointClient implements EndpointClient {
  static final String USER_AGENT = "Sluice-Webhooks/1";
  /** Enough of an exception's text for an operator; Akka's connection errors are long. */
  private static final int MAX_ERROR_LENGTH = 500;

  private final ActorSystem<?> system;
  private final Http http;
  private final Materializer materializer;
  private final DestinationGuard guard;
  private final Executor resolving;
  private final Duration attemptTimeout;
  private final int bodyLimit;
  private final Clock clock;
  private final ConcurrentMap<String, EndpointPool> pools = new ConcurrentHashMap<>();

  /** The pool settings of one endpoint, rebuilt when its concurrency changes. */
  private record EndpointPool(int maxConcurrency, ConnectionPoolSettings settings) {}

  /** The guard refused the address a connection was about to be opened to. */
  private static final class DestinationRefused extends RuntimeException {
    DestinationRefused(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * @param settings {@code sluice.webhooks}: the attempt timeout and the response-body limit
   * @param resolving where the guard and the connections' DNS look-ups block, off the actor and HTTP threads
   * @param clock turns a {@code Retry-After} date into a delay
   */
  public HttpEndpointClient(ActorSystem<?> system, WebhookSettings settings, DestinationGuard guard,
      Executor resolving, Clock clock) {
    this.system = system;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.guard = guard;
    this.resolving = resolving;
    this.attemptTimeout = settings.attemptTimeout();
    this.bodyLimit = settings.responseBodyLimit();
    this.clock = clock;
  }

  @Override
  public CompletionStage<AttemptOutcome> send(EndpointConfig endpoint, OutboundMessage message, Instant timestamp) {
    long started = System.nanoTime();
    URI url;
    HttpRequest request;
    try {
      url = new URI(endpoint.url());
      request = HttpRequest.POST(endpoint.url());
    } catch (URISyntaxException | IllegalArgumentException e) {
      // Akka's IllegalUriException is an IllegalArgumentException too.
      return CompletableFuture.completedFuture(outcome(Kind.REFUSED, 0, started, "", "the URL is not valid"));
    }
    String signature;
    try {
      signature = StandardWebhooks.sign(endpoint.secrets(), message.messageId(), timestamp.getEpochSecond(),
          message.payload());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(outcome(Kind.FAILED, 0, started, "",
          "cannot sign: " + e.getMessage()));
    }
    HttpRequest signed = request
        .addHeader(RawHeader.create(StandardWebhooks.ID_HEADER, message.messageId()))
        .addHeader(RawHeader.create(StandardWebhooks.TIMESTAMP_HEADER, Long.toString(timestamp.getEpochSecond())))
        .addHeader(RawHeader.create(StandardWebhooks.SIGNATURE_HEADER, signature))
        .addHeader(UserAgent.create(USER_AGENT))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, message.payload()));
    // Completed by whichever comes first: the exchange, or the time-out below. The exchange runs on regardless,
    // so that a late response is still read (and cut short) rather than left to stall its connection.
    CompletableFuture<AttemptOutcome> attempt = new CompletableFuture<>();
    CompletableFuture.completedFuture(url)
        .thenApplyAsync(guard::refusal, resolving)
        .thenCompose(refusal -> refusal.isPresent()
            ? CompletableFuture.completedFuture(outcome(Kind.REFUSED, 0, started, "", refusal.get()))
            : exchange(endpoint, signed, started))
        .whenComplete((outcome, error) -> attempt.complete(error == null ? outcome : failure(error, started)));
    return attempt.orTimeout(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(error -> failure(error, started));
  }

  private CompletionStage<AttemptOutcome> exchange(EndpointConfig endpoint, HttpRequest request, long started) {
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool(endpoint), system.classicSystem().log())
        .thenCompose(response -> prefix(response, started)
            .thenApply(prefix -> answered(response, prefix, started)));
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
        .thenApply(read -> read.decodeString(StandardCharsets.UTF_8));
  }

  private AttemptOutcome answered(HttpResponse response, String prefix, long started) {
    int status = response.status().intValue();
    String line = "HTTP " + status + " " + response.status().reason();
    if (response.status().isSuccess()) {
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
    for (Throwable link = error; link != null; link = link.getCause()) {
      if (link instanceof DestinationRefused refused) {
        return outcome(Kind.REFUSED, 0, started, "", refused.getMessage());
      }
    }
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

  private ConnectionPoolSettings pool(EndpointConfig endpoint) {
    return pools.compute(endpoint.endpointId(), (id, pool) -> pool != null
            && pool.maxConcurrency() == endpoint.maxConcurrency() ? pool
            : new EndpointPool(endpoint.maxConcurrency(), poolSettings(endpoint.maxConcurrency())))
        .settings();
  }

  /**
   * A pool of {@code maxConcurrency} connections whose transport instance is new, so that Akka starts a pool for
   * this endpoint alone. Room for twice as many open requests: attempts that timed out may still hold a connection
   * until it is closed for silence, and the next ones wait behind them in this endpoint's pool only.
   */
  private ConnectionPoolSettings poolSettings(int maxConcurrency) {
    FiniteDuration silence = FiniteDuration.create(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
    ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
        .withIdleTimeout(silence)
        .withConnectingTimeout(silence)
        .withTransport(ClientTransport.withCustomResolver(
            // Scala's Int arrives as an Object.
            (host, port) -> checkedAddress(host, (Integer) port)));
    return ConnectionPoolSettings.create(system.classicSystem())
        .withMaxConnections(Math.max(1, maxConcurrency))
        .withMaxOpenRequests(powerOfTwoAtLeast(2 * Math.max(1, maxConcurrency)))
        // POST is not idempotent: an attempt is sent once; the delivery entity decides about the next.
        .withMaxRetries(0)
        .withConnectionSettings(connection);
  }

  /** Akka wants max-open-requests to be a power of two. */
  private static int powerOfTwoAtLeast(int n) {
    return Integer.highestOneBit(n - 1) << 1;
  }

  /** The address a new connection goes to: the host's first, passed through the guard as a literal. */
  private CompletionStage<InetSocketAddress> checkedAddress(String host, int port) {
    return CompletableFuture.completedFuture(host).thenApplyAsync(name -> {
      InetAddress address;
      URI literal;
      try {
        address = InetAddress.getAllByName(name)[0];
        literal = new URI("http", null, address.getHostAddress(), port, null, null, null);
      } catch (UnknownHostException e) {
        throw new DestinationRefused("host " + name + " does not resolve");
      } catch (URISyntaxException e) {
        throw new DestinationRefused("address of host " + name + " cannot be checked");
      }
      guard.refusal(literal).ifPresent(reason -> {
        throw new DestinationRefused("host " + name + " now resolves to a refused address: " + reason);
      });
      return new InetSocketAddress(address, port);
    }, resolving);
  }
}
