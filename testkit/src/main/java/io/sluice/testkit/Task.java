package io.sluice.testkit;

import java.time.Duration;
import java.util.List;

/** One unit of simulated work: permit blocks (queries, possibly calls, under one permit) and calls without a permit. */
public record Task(String name, List<Step> steps) {

  /** A part of a task. */
  public sealed interface Step permits UnderPermit, Call {}

  /** Actions run while holding one permit and its connection. */
  public record UnderPermit(List<Action> actions) implements Step {}

  /** Something done under a permit. */
  public sealed interface Action permits Query, HeldCall {}

  /** One query on the connection; its time comes from the simulated database. */
  public record Query() implements Action {}

  /** An external call (an AI model, a call provider) made while still holding the connection. */
  public record HeldCall(Duration duration) implements Action {}

  /** An external call made without holding a permit. */
  public record Call(Duration duration) implements Step {}

  /** A single query under a permit. */
  public static Task query() {
    return new Task("query", List.of(new UnderPermit(List.of(new Query()))));
  }

  /** The anti-pattern: read, slow external call and write all inside one transaction. */
  public static Task callInsideLease(Duration call) {
    return new Task("read+call+write in one lease",
        List.of(new UnderPermit(List.of(new Query(), new HeldCall(call), new Query()))));
  }

  /** The step API: read (permit) → call (no permit) → write (permit). */
  public static Task readCallWrite(Duration call) {
    return new Task("read -> call -> write", List.of(new UnderPermit(List.of(new Query())), new Call(call),
        new UnderPermit(List.of(new Query()))));
  }
}
