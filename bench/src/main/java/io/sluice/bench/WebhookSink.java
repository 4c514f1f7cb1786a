package io.sluice.bench;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.PathMatchers.integerSegment;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.signing.StandardWebhooks;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The receivers of a webhook run: {@code POST /sink/{endpoint}} on loopback answers 200 at once and notes, per
 * message, when its first attempt arrived. Every request's signature is checked against its endpoint's secret with
 * the Standard Webhooks verifier, and a second arrival of a {@code webhook-id} counts as a duplicate, so that a run
 * can only count deliveries that are real.
 */
final class WebhookSink implements AutoCloseable {
  private final ObjectMapper json = new ObjectMapper();
  private volatile List<StandardWebhooks> verifiers = List.of();
  private final AtomicLongArray arrivals;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong badSignatures = new AtomicLong();
  private final ServerBinding binding;

  /** @param capacity the highest message sequence number the run publishes, plus one */
  WebhookSink(ActorSystem<?> system, int capacity) throws Exception {
    this.arrivals = new AtomicLongArray(capacity);
    Route route = path(segment("sink").slash(integerSegment()), endpoint -> post(() -> extractRequest(request ->
        entity(Unmarshaller.entityToString(), body -> {
          receive(endpoint, request, body);
          return complete(StatusCodes.OK);
        }))));
    binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Where endpoint {@code n} delivers. */
  String url(int endpoint) {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/sink/" + endpoint;
  }

  /**
   * The endpoints' secrets, by endpoint number: known only once the endpoints are created against {@link #url}.
   * Until then every request counts as badly signed.
   */
  void trust(List<String> secrets) {
    verifiers = secrets.stream().map(StandardWebhooks::new).toList();
  }

  private void receive(int endpoint, HttpRequest request, String body) {
    long now = System.nanoTime();
    received.incrementAndGet();
    String id = header(request, StandardWebhooks.ID_HEADER);
    try {
      verifiers.get(endpoint).verify(id, header(request, StandardWebhooks.TIMESTAMP_HEADER),
          header(request, StandardWebhooks.SIGNATURE_HEADER), body);
    } catch (StandardWebhooks.VerificationException | RuntimeException e) {
      badSignatures.incrementAndGet();
      return;
    }
    if (!seen.add(endpoint + ":" + id)) {
      duplicates.incrementAndGet();
      return;
    }
    try {
      int sequence = json.readTree(body).path("data").path("seq").asInt(-1);
      if (sequence >= 0 && sequence < arrivals.length()) {
        arrivals.compareAndSet(sequence, 0, now);
      }
    } catch (IOException e) {
      badSignatures.incrementAndGet();
    }
  }

  private static String header(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value).orElse(null);
  }

  /** When message {@code sequence} first arrived ({@link System#nanoTime()}), or 0 if it has not. */
  long arrival(int sequence) {
    return arrivals.get(sequence);
  }

  /** Distinct messages that arrived with a valid signature. */
  long distinct() {
    return seen.size();
  }

  long received() {
    return received.get();
  }

  long duplicates() {
    return duplicates.get();
  }

  long badSignatures() {
    return badSignatures.get();
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
