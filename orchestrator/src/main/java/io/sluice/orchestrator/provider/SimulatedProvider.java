package io.sluice.orchestrator.provider;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.sluice.config.ProviderSettings;
import io.sluice.orchestrator.signing.StandardWebhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call provider on loopback that implements docs/CALL_PROVIDER.md, for development, demos and tests: it places no
 * phone call, but answers {@code POST /v1/calls} like a provider and, once the simulated call has lasted
 * {@code latency}, posts its signed outcome event to the request's callback URL.
 *
 * <p>It misbehaves on purpose when configured to: 500 answers for calls it did place (only the idempotency key then
 * prevents a second call), 429 beyond its concurrency cap, outcome events dropped or delivered twice. Every random
 * choice is seeded. It keeps books a test can assert on: requests and when they came, every idempotency key, the keys
 * used per lead attempt (a lead attempt under two keys would be a double call), the most calls ever in progress.
 */
public final class SimulatedProvider {
  private static final Logger log = LoggerFactory.getLogger(SimulatedProvider.class);
  private static final PhoneNumberUtil PHONE_NUMBERS = PhoneNumberUtil.getInstance();

  private final ActorSystem<?> system;
  private final ProviderSettings.Simulated settings;
  private final SimulatedCallBook book;
  private final SignedEventSender sender;
  private final ObjectMapper mapper;
  private final AtomicInteger eventsDelivered = new AtomicInteger();
  private volatile ServerBinding binding;

  /** One lead attempt as the provider saw it in request bodies. */
  public record LeadAttempt(String campaignId, String leadId, int attempt) {}

  private SimulatedProvider(ActorSystem<?> system, ProviderSettings.Simulated settings, String webhookSecret) {
    this.system = system;
    this.settings = settings;
    this.book = new SimulatedCallBook(settings);
    this.sender = new SignedEventSender(system, new StandardWebhooks(webhookSecret));
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  /**
   * Binds the simulated provider on 127.0.0.1 at {@code settings.port()} (0: any free port).
   *
   * @param webhookSecret the {@code whsec_} secret its outcome events are signed with
   */
  public static CompletionStage<SimulatedProvider> start(ActorSystem<?> system, ProviderSettings.Simulated settings,
      String webhookSecret) {
    SimulatedProvider provider = new SimulatedProvider(system, settings, webhookSecret);
    return Http.get(system).newServerAt("127.0.0.1", settings.port()).bind(provider.route())
        .thenApply(bound -> {
          provider.binding = bound;
          log.info("simulated call provider listening on {}", provider.url());
          return provider;
        });
  }

  /** Unbinds; calls in progress still post their outcomes while the actor system runs. */
  public CompletionStage<Done> stop() {
    return binding.unbind();
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** The base URL to configure as {@code sluice.provider.url}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * The next {@code requests} valid requests are answered 500 after the call was placed (or, for a known key, found),
   * as if the answer was lost on the way.
   */
  public void failNext(int requests) {
    book.failNext(requests);
  }

  /** When each request to place a call arrived, replays and refusals included. */
  public List<Instant> requestTimes() {
    return book.requestTimes();
  }

  /** Every idempotency key received. */
  public Set<String> keysSeen() {
    return book.keysSeen();
  }

  /** Calls actually placed (one per distinct key accepted). */
  public long callsPlaced() {
    return book.callsPlaced();
  }

  /** The keys that placed a call, per lead attempt: more than one key for an attempt is a double call. */
  public Map<LeadAttempt, Set<String>> keysByLeadAttempt() {
    return book.keysByLeadAttempt();
  }

  /** Calls in progress now. */
  public int inFlight() {
    return book.inFlight();
  }

  /** The most calls ever in progress at once. */
  public int maxInFlight() {
    return book.maxInFlight();
  }

  /** Outcome event deliveries the receiver acknowledged (a duplicated event counts twice). */
  public int eventsDelivered() {
    return eventsDelivered.get();
  }

  private Route route() {
    return path(segment("v1").slash("calls"), () -> post(() ->
        optionalHeaderValueByName("Idempotency-Key", key ->
            entity(Unmarshaller.entityToString(), body -> complete(placeCall(key.orElse(null), body))))));
  }

  private HttpResponse placeCall(String key, String body) {
    book.requestReceived(Instant.now(), key);
    if (key == null || key.isBlank()) {
      return error(StatusCodes.BAD_REQUEST, "the Idempotency-Key header is required", "Idempotency-Key");
    }
    CallRequestBody request;
    try {
      request = mapper.readValue(body, CallRequestBody.class);
    } catch (JsonProcessingException e) {
      return error(StatusCodes.BAD_REQUEST, "the body is not a call request", "body");
    }
    if (request.callbackUrl() == null || request.callbackUrl().isBlank()) {
      return error(StatusCodes.BAD_REQUEST, "callbackUrl is required", "callbackUrl");
    }
    if (!validNumber(request.to())) {
      return error(StatusCodes.BAD_REQUEST, "invalid number", "to");
    }
    SimulatedCallBook.Decision decision = book.place(key, request);
    if (decision instanceof SimulatedCallBook.Replay replay) {
      return replay.failResponse()
          ? error(StatusCodes.INTERNAL_SERVER_ERROR, "simulated failure after finding the call", null)
          : created(StatusCodes.OK, replay.callId());
    }
    if (decision instanceof SimulatedCallBook.AtCapacity) {
      return error(StatusCodes.TOO_MANY_REQUESTS, "too many calls in progress", null)
          .addHeader(RetryAfter.create(Math.max(1, settings.retryAfter().toSeconds())));
    }
    SimulatedCallBook.Placement placement = ((SimulatedCallBook.NewCall) decision).placement();
    system.scheduler().scheduleOnce(settings.latency(), () -> callEnded(request.callbackUrl(), placement),
        system.executionContext());
    log.debug("simulated call placed: call={} key={} campaign={} lead={} attempt={}", placement.callId(), key,
        request.campaignId(), request.leadId(), request.attempt());
    return placement.failResponse()
        ? error(StatusCodes.INTERNAL_SERVER_ERROR, "simulated failure after placing the call", null)
        : created(StatusCodes.CREATED, placement.callId());
  }

  private void callEnded(String callbackUrl, SimulatedCallBook.Placement placement) {
    try {
      endCall(callbackUrl, placement);
    } catch (RuntimeException e) {
      // A scheduled task's exception would otherwise vanish with the task.
      log.error("simulated call could not end: call={} error={}", placement.callId(), e.toString(), e);
    }
  }

  private void endCall(String callbackUrl, SimulatedCallBook.Placement placement) {
    log.debug("simulated call ended: call={} callback={}", placement.callId(), callbackUrl);
    book.callEnded();
    if (placement.drop()) {
      log.debug("simulated outcome event dropped: event={}", placement.outcome().eventId());
      return;
    }
    deliver(callbackUrl, placement.outcome());
    if (placement.duplicate()) {
      deliver(callbackUrl, placement.outcome());
    }
  }

  private void deliver(String callbackUrl, ProviderEvent event) {
    // On the dispatcher: Akka's retry stage would otherwise run this on a thread of its own (see SignedEventSender).
    sender.send(callbackUrl, event).whenCompleteAsync((status, error) -> {
      if (error == null) {
        eventsDelivered.incrementAndGet();
      } else {
        log.warn("simulated outcome event undeliverable: event={} call={} error={}", event.eventId(),
            event.callId(), error.toString());
      }
    }, system.executionContext());
  }

  private static boolean validNumber(String to) {
    if (to == null || !to.startsWith("+")) {
      return false;
    }
    try {
      return PHONE_NUMBERS.isValidNumber(PHONE_NUMBERS.parse(to, null));
    } catch (NumberParseException e) {
      return false;
    }
  }

  private HttpResponse created(StatusCode status, String callId) {
    return json(status, Map.of("callId", callId));
  }

  private HttpResponse error(StatusCode status, String message, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.intValue());
    body.put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    return json(status, body);
  }

  private HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
