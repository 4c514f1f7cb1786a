package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a load saturates the nodes' {@code db} permits: every 500 ms, on a thread of its own, each live node's {@code
 * db} pool in {@code /v1/pools} is read and the requests waiting for a permit are summed over the nodes. A sample with
 * requests waiting is one in which the nodes wanted more connections than their shares of the budget gave them.
 */
final class PermitDemand implements AutoCloseable {
  private final BenchNodes nodes;
  private final String key;
  private final Set<Integer> killed = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean running = true;
  // Written by the polling thread only; read after close() has joined it.
  private long samples;
  private long samplesWaiting;
  private int maxWaiting;

  PermitDemand(BenchNodes nodes, String key) {
    this.nodes = nodes;
    this.key = key;
    thread = new Thread(this::poll, "permit-demand");
    thread.setDaemon(true);
    thread.start();
  }

  /** A killed node is no longer asked. */
  void nodeKilled(int node) {
    killed.add(node);
  }

  private void poll() {
    while (running) {
      int waiting = 0;
      for (int node = 1; node <= nodes.size(); node++) {
        if (!killed.contains(node)) {
          waiting += waiting(node);
        }
      }
      samples++;
      if (waiting > 0) {
        samplesWaiting++;
      }
      maxWaiting = Math.max(maxWaiting, waiting);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private int waiting(int node) {
    try {
      for (JsonNode pool : new BenchApi(nodes.httpPort(node)).send("GET", "/v1/pools", null, key, 200)) {
        if ("db".equals(pool.path("pool").asText())) {
          return pool.path("waiting").asInt();
        }
      }
    } catch (IOException e) {
      // A node that does not answer in time has nothing to add to this sample.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The share of samples in which some request waited for a {@code db} permit. */
  double waitingShare() {
    return samples == 0 ? 0 : (double) samplesWaiting / samples;
  }

  /** The most requests waiting in one sample, over all nodes. */
  int maxWaiting() {
    return maxWaiting;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
