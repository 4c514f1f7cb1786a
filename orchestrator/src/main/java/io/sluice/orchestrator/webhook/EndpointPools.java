package io.sluice.orchestrator.webhook;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ClientTransport;
import akka.http.javadsl.settings.ClientConnectionSettings;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import io.sluice.protocols.webhook.EndpointConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import scala.concurrent.duration.FiniteDuration;

/**
 * One Akka HTTP connection pool per webhook endpoint, so that a receiver that hangs ties up only its own endpoint's
 * connections.
 *
 * <p>Akka HTTP shares a host connection pool among requests with equal (host, port, settings), and two endpoints on
 * one host and port would otherwise compete for its connections. Here every endpoint gets settings of its own: their
 * transport is a new instance, which Akka compares by identity, so the settings (and the pool) are this endpoint's
 * alone. The pool holds {@code maxConcurrency} connections; a connection silent for the attempt timeout is closed, so
 * an attempt given up on frees its connection soon after. A pool without requests stops by itself
 * ({@code akka.http.host-connection-pool.idle-timeout}); its settings are kept and start it again on the next attempt.
 *
 * <p>The transport resolves the host when it opens a connection and passes the address it connects to through the
 * {@link DestinationGuard} again, as a literal, so a host that turned private after the attempt's check (DNS
 * rebinding) is refused there too. Akka reports such a failed connection without its cause, so the pool remembers
 * the refusal for the attempt to report.
 */
final class EndpointPools {
  private final ActorSystem<?> system;
  private final DestinationGuard guard;
  private final Executor resolving;
  private final FiniteDuration silence;
  private final ConcurrentMap<String, Pool> pools = new ConcurrentHashMap<>();

  /** One endpoint's pool. */
  final class Pool {
    private final int maxConcurrency;
    private final ConnectionPoolSettings settings;
    /** Why the last connection this pool tried to open was refused; null once one was let through. */
    private final AtomicReference<String> refusal = new AtomicReference<>();

    private Pool(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
      ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
          .withIdleTimeout(silence)
          .withConnectingTimeout(silence)
          // Scala's Int arrives as an Object.
          .withTransport(ClientTransport.withCustomResolver((host, port) -> checkedAddress(host, (Integer) port)));
      this.settings = ConnectionPoolSettings.create(system.classicSystem())
          .withMaxConnections(maxConcurrency)
          // Room for attempts that timed out but still hold a connection until it is closed for silence: the next
          // ones wait behind them, in this endpoint's pool only.
          .withMaxOpenRequests(powerOfTwoAtLeast(2 * maxConcurrency))
          // POST is not idempotent: an attempt is sent once, the delivery entity decides about the next.
          .withMaxRetries(0)
          .withConnectionSettings(connection);
    }

    ConnectionPoolSettings settings() {
      return settings;
    }

    /** Why the guard refused this pool's last connection, if it did. */
    Optional<String> refusal() {
      return Optional.ofNullable(refusal.get());
    }

    /** The address a new connection goes to: the host's first, passed through the guard as a literal. */
    private CompletionStage<InetSocketAddress> checkedAddress(String host, int port) {
      return CompletableFuture.completedFuture(host).thenApplyAsync(name -> {
        Optional<String> refused;
        InetAddress address = null;
        try {
          address = InetAddress.getAllByName(name)[0];
          refused = guard.refusal(new URI("http", null, address.getHostAddress(), port, null, null, null))
              .map(reason -> "host " + name + " now resolves to a refused address: " + reason);
        } catch (UnknownHostException e) {
          refused = Optional.of("host " + name + " does not resolve");
        } catch (URISyntaxException e) {
          refused = Optional.of("the address of host " + name + " cannot be checked");
        }
        refusal.set(refused.orElse(null));
        if (refused.isPresent()) {
          throw new IllegalStateException(refused.get());
        }
        return new InetSocketAddress(address, port);
      }, resolving);
    }
  }

  /**
   * @param attemptTimeout how long a connection may stay silent before it is closed, and may take to open
   * @param resolving where the connections' DNS look-ups block
   */
  EndpointPools(ActorSystem<?> system, DestinationGuard guard, Executor resolving, Duration attemptTimeout) {
    this.system = system;
    this.guard = guard;
    this.resolving = resolving;
    this.silence = FiniteDuration.create(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The endpoint's pool, a new one when its concurrency changed (the old one then stops when idle). */
  Pool of(EndpointConfig endpoint) {
    int maxConcurrency = Math.max(1, endpoint.maxConcurrency());
    return pools.compute(endpoint.endpointId(),
        (id, pool) -> pool != null && pool.maxConcurrency == maxConcurrency ? pool : new Pool(maxConcurrency));
  }

  /** Akka wants max-open-requests to be a power of two. */
  private static int powerOfTwoAtLeast(int n) {
    return Integer.highestOneBit(n - 1) << 1;
  }
}
