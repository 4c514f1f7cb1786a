package io.sluice.orchestrator.webhook;

import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.webhook.MessageRow;
import io.sluice.persistence.webhook.Messages;
import io.sluice.persistence.webhook.Publication;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores publications in groups: a publication that arrives while {@code parallelism} groups are being written waits
 * and goes with the next group, all of them in one unit of work ({@link Messages#publishAllKnown}: one permit, one
 * transaction, one commit). Under a trickle every publication is a group of one and waits for nothing; under load the
 * groups grow by themselves, which is what keeps the commit rate, not the publication rate, the database's cost.
 *
 * <p>A group that fails as a whole (a database error, not an unknown event type) is written again one publication at
 * a time, so that one bad publication fails alone.
 */
final class PublicationGroups {
  private final Database database;
  private final int parallelism;
  private final int groupSize;
  private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger writing = new AtomicInteger();

  private record Waiting(MessageRow message, Instant windowStart, CompletableFuture<Optional<Publication>> stored) {}

  /**
   * @param parallelism the most groups written at once (each holds one database permit)
   * @param groupSize the most publications in one group
   */
  PublicationGroups(Database database, int parallelism, int groupSize) {
    this.database = database;
    this.parallelism = parallelism;
    this.groupSize = groupSize;
  }

  /** Stores the message and its deliveries; empty, storing nothing, if its type is unknown. */
  CompletionStage<Optional<Publication>> publish(MessageRow message, Instant windowStart) {
    CompletableFuture<Optional<Publication>> stored = new CompletableFuture<>();
    waiting.add(new Waiting(message, windowStart, stored));
    writeWaiting();
    return stored;
  }

  /** Starts groups while there is room and something waits; every finished group calls it again. */
  private void writeWaiting() {
    while (!waiting.isEmpty()) {
      int now = writing.get();
      if (now >= parallelism) {
        return;
      }
      if (!writing.compareAndSet(now, now + 1)) {
        continue;
      }
      List<Waiting> group = new ArrayList<>();
      Waiting next;
      while (group.size() < groupSize && (next = waiting.poll()) != null) {
        group.add(next);
      }
      if (group.isEmpty()) {
        writing.decrementAndGet();
        continue;
      }
      write(group).whenComplete((done, failure) -> {
        writing.decrementAndGet();
        writeWaiting();
      });
    }
  }

  private CompletionStage<Void> write(List<Waiting> group) {
    if (group.size() == 1) {
      return writeAlone(group.get(0));
    }
    // The window starts of a group differ by the milliseconds between arrivals; with the latest, a key is never
    // taken for a duplicate that its publication alone would not have been.
    Instant windowStart = group.stream().map(Waiting::windowStart).max(Instant::compareTo).orElseThrow();
    return database.withConnection(null, "webhook-publisher", "publish-events",
            Messages.publishAllKnown(group.stream().map(Waiting::message).toList(), windowStart))
        .handle((publications, failure) -> {
          if (failure != null) {
            return CompletableFuture.allOf(group.stream().map(one -> writeAlone(one).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
          }
          for (int i = 0; i < group.size(); i++) {
            group.get(i).stored().complete(publications.get(i));
          }
          return CompletableFuture.<Void>completedFuture(null);
        })
        .thenCompose(stage -> stage);
  }

  private CompletionStage<Void> writeAlone(Waiting one) {
    return database.withConnection(null, "webhook-publisher", "publish-event",
            Messages.publishKnown(one.message(), one.windowStart()))
        .handle((publication, failure) -> {
          if (failure != null) {
            one.stored().completeExceptionally(failure);
          } else {
            one.stored().complete(publication);
          }
          return null;
        });
  }
}
