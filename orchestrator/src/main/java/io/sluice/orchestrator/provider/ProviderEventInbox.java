package io.sluice.orchestrator.provider;

import akka.Done;
import akka.actor.typed.ActorRef;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.database.GroupCommit;
import io.sluice.persistence.JdbcBatch;
import io.sluice.persistence.provider.ProviderEventRow;
import io.sluice.persistence.provider.ProviderEvents;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable side of the provider webhook: stores each verified event once (the table's primary key refuses a
 * redelivery), hands it to the campaign side's consumer, and stamps it processed when the consumer is done. An event
 * whose consumer failed, or whose process crashed in between, stays unprocessed; {@link #redeliverUnprocessed} hands
 * such events over again, once, at start-up. The consumer must therefore tolerate seeing an event twice.
 *
 * <p>Each database step takes its own short permit; none is held while the consumer runs. Both writes are
 * group-committed ({@link GroupCommit}): the events that arrive while a batch of them is being stored are stored
 * together in the next one (one unit of work, one commit), and likewise for the processed stamps. A batch that fails
 * fails each of its events: their senders are told to deliver them again.
 */
final class ProviderEventInbox {
  private static final Logger log = LoggerFactory.getLogger(ProviderEventInbox.class);
  private static final String OWNER = "provider-webhook";

  private final Database database;
  private final ActorRef<?> permitHolder;
  private final Function<ProviderEvent, CompletionStage<Done>> consumer;
  private final ProviderEventJson json;
  private final Clock clock;
  private final GroupCommit<ProviderEvents.Candidate, ProviderEvents.Recorded> records;
  private final GroupCommit<String, Done> stamps;
  /** Runs what follows the consumer's stage (an Akka ask: see {@link CallProviderClient}'s continuations). */
  private final Executor continuations;

  ProviderEventInbox(Database database, ActorRef<?> permitHolder,
      Function<ProviderEvent, CompletionStage<Done>> consumer, ProviderEventJson json, Clock clock,
      Executor continuations) {
    this.database = database;
    this.permitHolder = permitHolder;
    this.consumer = consumer;
    this.json = json;
    this.clock = clock;
    this.continuations = continuations;
    this.records = new GroupCommit<>(events -> database.withConnection(permitHolder, OWNER, "record-events",
        ProviderEvents.recordIfKnownAndNew(events)), JdbcBatch.DEFAULT_BATCH_SIZE);
    this.stamps = new GroupCommit<>(eventIds -> database.withConnection(permitHolder, OWNER, "mark-processed",
            ProviderEvents.markProcessed(eventIds, clock.instant()))
        .thenApply(stamped -> Collections.nCopies(eventIds.size(), Done.getInstance())), JdbcBatch.DEFAULT_BATCH_SIZE);
  }

  /** Stores the event if it reports a call Sluice placed and was not stored before. */
  CompletionStage<ProviderEvents.Recorded> record(ProviderEvent event, String payload) {
    ProviderEventRow row = new ProviderEventRow(event.eventId(), event.callId(), event.campaignId(), event.leadId(),
        event.attempt(), event.status().name(), payload, clock.instant());
    return records.submit(new ProviderEvents.Candidate(row, event.idempotencyKey()));
  }

  /** Hands the stored event to the consumer, then stamps it processed; failures leave it for the next start-up. */
  CompletionStage<Done> process(ProviderEvent event) {
    return processed(event).thenApply(processed -> Done.getInstance());
  }

  /** {@link #process}, answering whether the event was processed (false: kept for redelivery). */
  private CompletionStage<Boolean> processed(ProviderEvent event) {
    CompletionStage<Done> consumed;
    try {
      consumed = consumer.apply(event);
    } catch (RuntimeException e) {
      consumed = CompletableFuture.failedFuture(e);
    }
    return consumed
        .thenComposeAsync(done -> stamps.submit(event.eventId()), continuations)
        .handle((marked, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                : error;
            log.warn("provider event not processed, kept for redelivery: event={} call={} campaign={} lead={} "
                + "error={}", event.eventId(), event.callId(), event.campaignId(), event.leadId(), cause.toString());
            return false;
          }
          return true;
        });
  }

  /**
   * Hands every stored but unprocessed event (up to {@code limit}, oldest first) to the consumer again, one after the
   * other; answers how many were taken this time, or fails naming how many could not be (they stay stored for the
   * next try). Call at start-up, and when a node left the cluster.
   */
  CompletionStage<Integer> redeliverUnprocessed(int limit) {
    return database.withConnection(permitHolder, OWNER, "read-unprocessed", ProviderEvents.unprocessed(limit))
        .thenCompose(this::redeliver);
  }

  private CompletionStage<Integer> redeliver(List<ProviderEventRow> rows) {
    int[] failed = new int[1];
    CompletionStage<Integer> chain = CompletableFuture.completedFuture(0);
    for (ProviderEventRow row : rows) {
      chain = chain.thenCompose(count -> {
        ProviderEvent event;
        try {
          event = json.parse(row.payload());
        } catch (InvalidEventException e) {
          // Stored only after the same check passed: a row that fails it now was edited by hand. Left as it is.
          log.error("stored provider event unreadable: event={} field={}", row.eventId(), e.field());
          return CompletableFuture.completedFuture(count);
        }
        return processed(event).thenApply(processed -> {
          if (!processed) {
            failed[0]++;
          }
          return processed ? count + 1 : count;
        });
      });
    }
    return chain.thenApply(handedOver -> {
      if (failed[0] > 0) {
        throw new CompletionException(new IllegalStateException(failed[0] + " of " + rows.size()
            + " stored provider event(s) could not reach their campaigns; kept for the next try"));
      }
      return handedOver;
    });
  }
}
