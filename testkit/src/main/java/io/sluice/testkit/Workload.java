package io.sluice.testkit;

import java.time.Duration;

/**
 * Who sends work: {@code clients} concurrent requesters, all starting at t = 0, each running {@code task} once
 * ({@link #herd}) or again and again after {@code thinkTime} until the scenario ends ({@link #closedLoop}).
 */
public record Workload(int clients, Task task, boolean repeat, Duration thinkTime, Duration maxWait) {

  public static Workload herd(int requesters, Task task, Duration maxWait) {
    return new Workload(requesters, task, false, Duration.ZERO, maxWait);
  }

  public static Workload closedLoop(int clients, Task task, Duration thinkTime, Duration maxWait) {
    return new Workload(clients, task, true, thinkTime, maxWait);
  }
}
