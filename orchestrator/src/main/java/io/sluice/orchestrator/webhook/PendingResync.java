package io.sluice.orchestrator.webhook;

import akka.actor.typed.javadsl.ActorContext;
import io.sluice.protocols.webhook.EndpointCommand;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An endpoint entity's second read of the ledger's pending deliveries, asked for by a
 * {@link EndpointCommand.Resync} when a publication's enqueue was not acknowledged: the ids the journal does not know,
 * with their attempt counts, come back to the entity as {@link Read}. One read at a time: a request while one runs (it
 * may have missed a row committed meanwhile) or a failed read is owed, and made at the entity's next chance
 * ({@link #owed}).
 */
final class PendingResync {

  /** The ledger's pending ids the journal did not know when read, with their attempt counts; or the failure. */
  record Read(List<String> unknown, Map<String, Integer> attempts, Throwable failure)
      implements EndpointDeliveries.Step {}

  private final String endpointId;
  private final ActorContext<EndpointCommand> context;
  private final DeliveryLedger ledger;
  private boolean reading;
  private boolean owed;

  PendingResync(String endpointId, ActorContext<EndpointCommand> context, DeliveryLedger ledger) {
    this.endpointId = endpointId;
    this.context = context;
    this.ledger = ledger;
  }

  /** Starts a read, or owes one if a read is under way. */
  void request(EndpointState state) {
    if (reading) {
      owed = true;
      return;
    }
    reading = true;
    owed = false;
    CompletionStage<Read> read = ledger.pending(endpointId).thenCompose(ids -> {
      List<String> unknown = ids.stream().filter(id -> !state.pending().containsKey(id)).toList();
      return unknown.isEmpty()
          ? CompletableFuture.completedFuture(new Read(unknown, Map.of(), null))
          : ledger.attempts(endpointId, unknown).thenApply(counts -> new Read(unknown, counts, null));
    });
    context.pipeToSelf(read, (done, failure) -> failure == null ? done : new Read(List.of(), Map.of(), failure));
  }

  /**
   * The read came back: the ids that are new work now, neither held nor just settled (a row read before its outcome
   * was recorded is not new work). A failed read is owed and yields none.
   */
  List<String> arrived(EndpointState state, Read read, DeliveryQueue queue) {
    reading = false;
    if (read.failure() != null) {
      owed = true;
      return List.of();
    }
    return read.unknown().stream()
        .filter(id -> !state.pending().containsKey(id) && !queue.recentlySettled(id)).toList();
  }

  /** A read should be made at the next chance. */
  boolean owed() {
    return owed;
  }

  /** A read is under way or owed: the entity is not idle. */
  boolean busy() {
    return reading || owed;
  }
}
