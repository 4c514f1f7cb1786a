package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.extractRequest;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A webhook receiver for tests: an Akka HTTP server on 127.0.0.1 with an ephemeral port, answering each path with
 * the route scripted for it (404 for any other) and recording every request it receives, body included.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** One request as received. */
  public record Received(String path, HttpRequest request, String body) {
    public String header(String name) {
      return request.getHeader(name).map(akka.http.javadsl.model.HttpHeader::value).orElse(null);
    }
  }

  private final Map<String, Supplier<Route>> answers = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final ServerBinding binding;

  public WebhookReceiver(ActorSystem<?> system) throws Exception {
    Route route = extractRequest(request -> entity(Unmarshaller.entityToString(), body -> {
      String path = request.getUri().path();
      received.add(new Received(path, request, body));
      return Optional.ofNullable(answers.get(path)).map(Supplier::get)
          .orElseGet(() -> complete(StatusCodes.NOT_FOUND));
    }));
    binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Answers {@code path} with a fresh {@code answer} for each request. */
  public WebhookReceiver on(String path, Supplier<Route> answer) {
    answers.put(path, answer);
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + path;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public long count(String path) {
    return received.stream().filter(r -> r.path().equals(path)).count();
  }

  @Override
  public void close() throws Exception {
    binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
