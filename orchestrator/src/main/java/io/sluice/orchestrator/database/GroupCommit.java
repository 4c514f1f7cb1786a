package io.sluice.orchestrator.database;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Group commit for a write that many callers make one item at a time: an item submitted while a batch is being
 * written waits for the next batch, and the next batch (everything that waited, up to {@code maxBatch}) is written as
 * soon as the one before it is done. At most one batch is in flight, so the write holds at most one database permit
 * however many callers there are; no timer: an item submitted when nothing is in flight is written at once, alone.
 *
 * <p>{@code write} runs one batch as one unit of work (through {@link Database}) and answers one result per item, in
 * order; its failure fails every item of the batch, and the next batch is still written. Thread-safe.
 */
public final class GroupCommit<T, R> {
  private final Function<List<T>, CompletionStage<List<R>>> write;
  private final int maxBatch;
  private final ArrayDeque<Waiting<T, R>> waiting = new ArrayDeque<>();
  private boolean writing;

  private record Waiting<T, R>(T item, CompletableFuture<R> result) {}

  public GroupCommit(Function<List<T>, CompletionStage<List<R>>> write, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    this.write = write;
    this.maxBatch = maxBatch;
  }

  /** Completes with the item's result once its batch is written, or with the batch's failure. */
  public CompletionStage<R> submit(T item) {
    Waiting<T, R> entry = new Waiting<>(item, new CompletableFuture<>());
    List<Waiting<T, R>> batch;
    synchronized (this) {
      waiting.add(entry);
      batch = writing ? null : next();
    }
    if (batch != null) {
      write(batch);
    }
    return entry.result();
  }

  /** Under the lock: the next batch, marked in flight; null, and nothing in flight, when no item waits. */
  private List<Waiting<T, R>> next() {
    writing = !waiting.isEmpty();
    if (!writing) {
      return null;
    }
    List<Waiting<T, R>> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
    while (!waiting.isEmpty() && batch.size() < maxBatch) {
      batch.add(waiting.poll());
    }
    return batch;
  }

  private void write(List<Waiting<T, R>> batch) {
    CompletionStage<List<R>> written;
    try {
      written = write.apply(batch.stream().map(Waiting::item).toList());
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    written.whenComplete((results, failure) -> {
      List<Waiting<T, R>> following;
      synchronized (this) {
        following = next();
      }
      // The next batch is on its way before this one's callers run their continuations.
      if (following != null) {
        write(following);
      }
      for (int i = 0; i < batch.size(); i++) {
        if (failure != null) {
          batch.get(i).result().completeExceptionally(failure);
        } else if (results.size() != batch.size()) {
          batch.get(i).result().completeExceptionally(new IllegalStateException(
              "a batch of " + batch.size() + " answered " + results.size() + " results"));
        } else {
          batch.get(i).result().complete(results.get(i));
        }
      }
    });
  }
}
