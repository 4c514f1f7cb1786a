package io.sluice.orchestrator.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Group commit with the writes under the test's control: what waits during a write goes in the next one. */
class GroupCommitTest {
  /** Every batch asked for, and the write the test completes for it. */
  private final List<List<String>> batches = new ArrayList<>();
  private final List<CompletableFuture<List<Integer>>> writes = new ArrayList<>();

  private GroupCommit<String, Integer> commit(int maxBatch) {
    return new GroupCommit<>(items -> {
      CompletableFuture<List<Integer>> write = new CompletableFuture<>();
      batches.add(items);
      writes.add(write);
      return write;
    }, maxBatch);
  }

  private static List<Integer> lengths(List<String> items) {
    return items.stream().map(String::length).toList();
  }

  @Test
  void itemsSubmittedDuringAWriteGoTogetherInTheNextWithTheirOwnResults() throws Exception {
    GroupCommit<String, Integer> commit = commit(100);
    CompletionStage<Integer> first = commit.submit("a");
    assertEquals(List.of(List.of("a")), batches, "nothing in flight: written at once, alone");
    CompletionStage<Integer> second = commit.submit("bb");
    CompletionStage<Integer> third = commit.submit("ccc");
    assertEquals(1, batches.size(), "one write in flight at a time");

    writes.get(0).complete(lengths(batches.get(0)));
    assertEquals(1, first.toCompletableFuture().get());
    assertEquals(List.of("bb", "ccc"), batches.get(1), "what waited goes in one batch");
    writes.get(1).complete(lengths(batches.get(1)));
    assertEquals(2, second.toCompletableFuture().get());
    assertEquals(3, third.toCompletableFuture().get());

    commit.submit("dddd");
    assertEquals(3, batches.size(), "idle again: the next item is written at once");
  }

  @Test
  void aFailedWriteFailsItsItemsAndTheNextBatchIsStillWritten() {
    GroupCommit<String, Integer> commit = commit(100);
    CompletionStage<Integer> failed = commit.submit("a");
    CompletionStage<Integer> next = commit.submit("bb");
    IllegalStateException cause = new IllegalStateException("connection lost");
    writes.get(0).completeExceptionally(cause);
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> failed.toCompletableFuture().get());
    assertSame(cause, thrown.getCause());
    assertEquals(List.of("bb"), batches.get(1));
    assertFalse(next.toCompletableFuture().isDone());
  }

  @Test
  void aBatchHoldsAtMostMaxBatchItemsAndAWrongResultCountFailsIt() {
    GroupCommit<String, Integer> commit = commit(2);
    commit.submit("a");
    CompletionStage<Integer> b = commit.submit("b");
    commit.submit("c");
    commit.submit("d");
    writes.get(0).complete(List.of(1));
    assertEquals(List.of("b", "c"), batches.get(1));
    writes.get(1).complete(List.of(1));
    assertTrue(b.toCompletableFuture().isCompletedExceptionally(), "one result for two items");
    assertEquals(List.of("d"), batches.get(2));
    assertThrows(IllegalArgumentException.class, () -> new GroupCommit<String, Integer>(items -> null, 0));
  }
}
