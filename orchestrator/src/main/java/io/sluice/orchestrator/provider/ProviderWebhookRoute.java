package io.sluice.orchestrator.provider;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
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
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.provider.ProviderWebhookMetrics.Rejection;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.persistence.provider.ProviderEvents;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/provider/events}: the call provider's outcome events (docs/CALL_PROVIDER.md). Not behind the
 * workspace API keys: the Standard Webhooks signature is the authentication.
 *
 * <p>Each event is verified (401 bad or missing signature, 400 timestamp outside the tolerance), checked (400 naming
 * the field), stored once under its event id and acknowledged at once: 202 for a new event, 200 for a redelivery,
 * which does nothing else. Only after the answer is the event handed to the consumer, and it is stamped processed when
 * the consumer's stage completes; {@link #redeliverUnprocessed} covers events whose processing never finished. A
 * database that cannot take the event answers 503 so that the provider delivers it again later.
 */
public final class ProviderWebhookRoute {
  private static final Logger log = LoggerFactory.getLogger(ProviderWebhookRoute.class);
  /** The largest body taken; the {@code payload} column holds 65536 characters. */
  static final long MAX_BODY_BYTES = 65_536;

  private final StandardWebhooks verifier;
  private final ProviderEventInbox inbox;
  private final ProviderEventJson json;
  private final ObjectMapper mapper;
  private final Executor handOver;
  private final ProviderWebhookMetrics metrics = new ProviderWebhookMetrics();

  /**
   * @param verifier checks signatures with {@code sluice.provider.webhook-secret} and {@code timestamp-tolerance}
   * @param database the permit facade every insert and update runs through
   * @param permitHolder the actor the permits are taken for (its death returns them); null: not watched
   * @param consumer the campaign side: takes one verified, first-seen event; the event is stamped processed when the
   *     stage completes normally, and handed over again at the next start-up otherwise
   * @param clock stamps received_at and processed_at
   */
  public ProviderWebhookRoute(ActorSystem<?> system, StandardWebhooks verifier, Database database,
      ActorRef<?> permitHolder, Function<ProviderEvent, CompletionStage<Done>> consumer, Clock clock) {
    this.verifier = verifier;
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    this.json = new ProviderEventJson(mapper);
    this.handOver = system.executionContext();
    this.inbox = new ProviderEventInbox(database, permitHolder, consumer, json, clock, handOver);
  }

  public Route route() {
    return path(segment("v1").slash("provider").slash("events"), () -> post(() -> withSizeLimit(MAX_BODY_BYTES, () ->
        optionalHeaderValueByName(StandardWebhooks.ID_HEADER, id ->
            optionalHeaderValueByName(StandardWebhooks.TIMESTAMP_HEADER, timestamp ->
                optionalHeaderValueByName(StandardWebhooks.SIGNATURE_HEADER, signature ->
                    entity(Unmarshaller.entityToString(), body ->
                        receive(id.orElse(null), timestamp.orElse(null), signature.orElse(null), body))))))));
  }

  /**
   * Hands every stored but unprocessed event (up to {@code limit}, oldest first) to the consumer again; answers how
   * many. Call once at start-up, before binding the route.
   */
  public CompletionStage<Integer> redeliverUnprocessed(int limit) {
    return inbox.redeliverUnprocessed(limit);
  }

  private Route receive(String id, String timestamp, String signature, String body) {
    try {
      verifier.verify(id, timestamp, signature, body);
    } catch (StandardWebhooks.VerificationException e) {
      return refuseUnverified(id, e);
    }
    ProviderEvent event;
    try {
      event = json.parse(body);
      if (!event.eventId().equals(id)) {
        throw new InvalidEventException("eventId", "eventId must equal the webhook-id header");
      }
    } catch (InvalidEventException e) {
      return refuse(Rejection.MALFORMED, StatusCodes.BAD_REQUEST, e.getMessage(), e.field(), id);
    }
    return onComplete(inbox.record(event, body), stored -> {
      if (stored.isFailure()) {
        log.warn("provider event not stored, provider will redeliver: event={} call={} error={}", id,
            event.callId(), stored.failed().get().toString());
        metrics.rejected(Rejection.STORAGE_UNAVAILABLE);
        return complete(json(StatusCodes.SERVICE_UNAVAILABLE, "cannot store the event now; deliver it again", null)
            .addHeader(RetryAfter.create(5L)));
      }
      if (stored.get() == ProviderEvents.Recorded.UNKNOWN_CALL) {
        return refuse(Rejection.UNKNOWN_CALL, StatusCodes.NOT_FOUND, "no call was placed under this idempotency key"
            + " for this campaign and lead", "idempotencyKey", id);
      }
      if (stored.get() == ProviderEvents.Recorded.DUPLICATE) {
        log.debug("provider event redelivered, ignored: event={} call={}", id, event.callId());
        metrics.duplicate();
        return complete(json(StatusCodes.OK, "duplicate", null));
      }
      log.debug("provider event accepted: event={} call={} campaign={} lead={} attempt={} status={}", id,
          event.callId(), event.campaignId(), event.leadId(), event.attempt(), event.status());
      metrics.accepted();
      // Handed over on another thread, so the consumer's own work never delays the answer.
      handOver.execute(() -> inbox.process(event));
      return complete(json(StatusCodes.ACCEPTED, "accepted", null));
    });
  }

  private Route refuseUnverified(String id, StandardWebhooks.VerificationException e) {
    return switch (e.failure()) {
      case MISSING_HEADERS -> refuse(Rejection.MISSING_HEADERS, StatusCodes.UNAUTHORIZED, e.getMessage(),
          StandardWebhooks.SIGNATURE_HEADER, id);
      case BAD_SIGNATURE -> refuse(Rejection.BAD_SIGNATURE, StatusCodes.UNAUTHORIZED, e.getMessage(),
          StandardWebhooks.SIGNATURE_HEADER, id);
      case BAD_TIMESTAMP -> refuse(Rejection.BAD_TIMESTAMP, StatusCodes.BAD_REQUEST, e.getMessage(),
          StandardWebhooks.TIMESTAMP_HEADER, id);
      case STALE_TIMESTAMP -> refuse(Rejection.STALE_TIMESTAMP, StatusCodes.BAD_REQUEST, e.getMessage(),
          StandardWebhooks.TIMESTAMP_HEADER, id);
      case FUTURE_TIMESTAMP -> refuse(Rejection.FUTURE_TIMESTAMP, StatusCodes.BAD_REQUEST, e.getMessage(),
          StandardWebhooks.TIMESTAMP_HEADER, id);
    };
  }

  private Route refuse(Rejection reason, StatusCode status, String message, String field, String id) {
    // The id is the sender's claim (unverified for signature failures); bodies and signatures are never logged.
    log.info("provider event refused: reason={} status={} field={} event={}", reason, status.intValue(), field, id);
    metrics.rejected(reason);
    return complete(json(status, message, field));
  }

  private HttpResponse json(StatusCode status, String message, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.intValue());
    body.put(status.isSuccess() ? "result" : "error", message);
    if (field != null) {
      body.put("field", field);
    }
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
