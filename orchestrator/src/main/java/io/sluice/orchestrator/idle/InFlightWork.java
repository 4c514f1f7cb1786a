package io.sluice.orchestrator.idle;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;

/**
 * Whether the process has any work in flight, read from what already counts it: the permit supervisors' leases and
 * waiters (database permits, call slots) and in-memory counters (journal connections borrowed, webhook, campaign and
 * email attempts, HTTP requests, schedule runs). Never touches the database.
 */
public final class InFlightWork {
  private static final Duration STATS_TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final List<ActorRef<PermitCommand>> supervisors;
  private final List<IntSupplier> counters;

  /** @param counters each answers how many of its kind are in flight now, without blocking */
  public InFlightWork(ActorSystem<?> system, List<ActorRef<PermitCommand>> supervisors, List<IntSupplier> counters) {
    this.system = system;
    this.supervisors = List.copyOf(supervisors);
    this.counters = List.copyOf(counters);
  }

  public CompletionStage<Boolean> busy() {
    if (counters.stream().anyMatch(counter -> counter.getAsInt() > 0)) {
      return CompletableFuture.completedFuture(true);
    }
    List<CompletableFuture<PoolStats>> asks = new ArrayList<>();
    for (ActorRef<PermitCommand> supervisor : supervisors) {
      asks.add(AskPattern.<PermitCommand, PoolStats>ask(supervisor, GetPoolStats::new, STATS_TIMEOUT,
          system.scheduler()).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> asks.stream()
        .map(CompletableFuture::join).anyMatch(stats -> stats.granted() > 0 || stats.waiting() > 0));
  }
}
