package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * What a surviving node sees after another node's {@code kill -9}: its {@code /health} and {@code /v1/pools} are read
 * every 100 ms, on a thread of its own, for when the killed node became unreachable, when it was downed (its member
 * status {@code Down}, or gone) and when it left the cluster's connection budget. Times are from the kill.
 */
final class KillTimeline implements AutoCloseable {
  private final BenchApi survivor;
  private final String key;
  private final String killedPort;
  private Thread thread;
  private volatile boolean running = true;
  private volatile long killedAt;
  private volatile long unreachableAt;
  private volatile long downedAt;
  private volatile long leftBudgetAt;

  /** @param killedClusterPort the Artery port of the node that will be killed */
  KillTimeline(BenchApi survivor, String key, int killedClusterPort) {
    this.survivor = survivor;
    this.key = key;
    this.killedPort = ":" + killedClusterPort;
  }

  /** The node was killed just now: the watch begins. */
  void killed() {
    killedAt = System.nanoTime();
    thread = new Thread(this::watch, "kill-timeline");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    while (running && leftBudgetAt == 0) {
      long now = System.nanoTime();
      try {
        JsonNode cluster = survivor.send("GET", "/health", null, key, 200).path("cluster");
        if (unreachableAt == 0 && mentions(cluster.path("unreachable"))) {
          unreachableAt = now;
        }
        if (downedAt == 0 && !memberUp(cluster.path("members"))) {
          downedAt = now;
        }
        for (JsonNode pool : survivor.send("GET", "/v1/pools", null, key, 200)) {
          if ("cluster-budget".equals(pool.path("pool").asText()) && !mentionsNode(pool.path("view").path("nodes"))) {
            leftBudgetAt = now;
          }
        }
        Thread.sleep(100);
      } catch (IOException e) {
        // The survivor answers again at the next read.
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private boolean mentions(JsonNode addresses) {
    for (JsonNode address : addresses) {
      if (address.asText().endsWith(killedPort)) {
        return true;
      }
    }
    return false;
  }

  private boolean memberUp(JsonNode members) {
    for (JsonNode member : members) {
      if (member.path("address").asText().endsWith(killedPort)) {
        return !"Down".equals(member.path("status").asText());
      }
    }
    return false;
  }

  private boolean mentionsNode(JsonNode nodes) {
    for (JsonNode node : nodes) {
      if (node.path("node").asText().contains(killedPort + "#")) {
        return true;
      }
    }
    return false;
  }

  /** The time line, one line per step. */
  String report() {
    return String.format("kill -9 of node 3, as node 1 saw it: unreachable after %s, downed after %s, its share"
        + " reassigned after %s (%s after the downing)", since(killedAt, unreachableAt), since(killedAt, downedAt),
        since(killedAt, leftBudgetAt), since(downedAt, leftBudgetAt));
  }

  private static String since(long from, long to) {
    return from == 0 || to == 0 ? "(not seen)" : String.format("%.1f s", (to - from) / 1e9);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(5_000);
    }
  }
}
