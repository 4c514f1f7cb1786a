package io.sluice.orchestrator.idle;

import static akka.http.javadsl.server.Directives.mapRouteResultFuture;

import akka.http.javadsl.server.Route;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the HTTP requests being handled and tells a listener when one ends, for exit-on-idle: a request in flight
 * keeps the process up, and each one restarts the quiet period.
 */
public final class HttpActivity {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Runnable onRequestEnded;

  public HttpActivity(Runnable onRequestEnded) {
    this.onRequestEnded = onRequestEnded;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** {@code inner}, counted from its start until its result (success or failure) is there. */
  public Route counted(Route inner) {
    return mapRouteResultFuture(result -> {
      inFlight.incrementAndGet();
      return result.whenComplete((done, failure) -> {
        inFlight.decrementAndGet();
        onRequestEnded.run();
      });
    }, () -> inner);
  }
}
