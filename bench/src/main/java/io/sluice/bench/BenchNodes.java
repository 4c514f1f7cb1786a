package io.sluice.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sluice nodes as separate JVMs, each started by {@code scripts/cluster-demo.sh node N} (as an operator would, and as
 * the cluster crash test does) with this runner's class path, on the database the runners measure against. Node 1 is
 * the seed; with one node and {@code clustered = false} it is a standalone service. Each node's pools are named
 * {@code <prefix>-db-N} and {@code <prefix>-journal-N} in {@code pg_stat_activity}; logs go to {@code
 * bench/target/cluster-bench/<prefix>/node-N.log}.
 */
final class BenchNodes implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String prefix;
  private final Path dir;
  private final int httpBase;
  private final int clusterBase;
  private final List<Process> processes = new ArrayList<>();

  private BenchNodes(String prefix, Path dir, int httpBase, int clusterBase) {
    this.prefix = prefix;
    this.dir = dir;
    this.httpBase = httpBase;
    this.clusterBase = clusterBase;
  }

  /**
   * Starts {@code count} nodes, the seed first, and waits until each answers {@code /health/ready}.
   *
   * @param environment {@code SLUICE_*} variables for every node, on top of the database and the ports
   * @param javaOptions system properties (settings without an environment variable) for every node's JVM
   */
  static BenchNodes start(String prefix, int count, boolean clustered, Map<String, String> environment,
      String javaOptions) throws Exception {
    Path dir = Path.of("bench", "target", "cluster-bench", prefix).toAbsolutePath();
    Files.createDirectories(dir);
    BenchNodes nodes = new BenchNodes(prefix, dir, freeBase(count), freeBase(count));
    try {
      for (int n = 1; n <= count; n++) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("SLUICE_DB_URL", BenchDatabase.URL);
        env.put("SLUICE_DB_USER", BenchDatabase.USER);
        env.put("SLUICE_DB_PASSWORD", BenchDatabase.PASSWORD);
        env.put("SLUICE_ADMIN_KEY", BenchService.ADMIN_KEY);
        env.put("SLUICE_BOOTSTRAP_CREATE_FIRST_KEY", "false");
        env.put("SLUICE_DEMO_CLASSPATH", System.getProperty("java.class.path"));
        env.put("SLUICE_DEMO_DIR", dir.toString());
        env.put("SLUICE_DEMO_HTTP_BASE", Integer.toString(nodes.httpBase));
        env.put("SLUICE_DEMO_CLUSTER_BASE", Integer.toString(nodes.clusterBase));
        env.put("SLUICE_DEMO_APPLICATION_PREFIX", prefix);
        env.put("JAVA_OPTS", javaOptions);
        if (!clustered) {
          env.put("SLUICE_CLUSTER_SEED_NODES", "");
        }
        // One migration check, by the seed: the others' would open a connection outside the budget.
        if (n > 1) {
          env.put("SLUICE_DB_MIGRATE_ON_START", "false");
        }
        nodes.processes.add(nodes.launch(n, env));
        if (n == 1) {
          nodes.awaitReady(1);
        }
      }
      for (int n = 2; n <= count; n++) {
        nodes.awaitReady(n);
      }
      return nodes;
    } catch (Exception e) {
      nodes.close();
      throw e;
    }
  }

  private Process launch(int node, Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", Path.of("scripts", "cluster-demo.sh").toString(), "node",
        Integer.toString(node))
        .redirectErrorStream(true)
        .redirectOutput(log(node).toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  private void awaitReady(int node) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (!processes.get(node - 1).isAlive()) {
        throw new IllegalStateException("node " + node + " exited while starting; see " + log(node));
      }
      if (status("/health/ready", node) == 200) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("node " + node + " not ready within 2 minutes; see " + log(node));
  }

  private int status(String path, int node) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort(node) + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  int size() {
    return processes.size();
  }

  int httpPort(int node) {
    return httpBase + node;
  }

  int clusterPort(int node) {
    return clusterBase + node;
  }

  /** The {@code application_name} prefix every pool of these nodes shares. */
  String applicationPrefix() {
    return prefix + "-";
  }

  Path log(int node) {
    return dir.resolve("node-" + node + ".log");
  }

  /** {@code kill -9}: the script execs the JVM, so the process is the node's JVM. */
  void kill(int node) throws InterruptedException {
    Process process = processes.get(node - 1);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM to every node still running (coordinated shutdown), then SIGKILL to any left after 60 s. */
  @Override
  public void close() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** A base such that base + 1 .. base + count are free now. */
  private static int freeBase(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
      boolean free = true;
      for (int n = 1; n <= count && free; n++) {
        try (ServerSocket socket = new ServerSocket(base + n)) {
          free = socket.getLocalPort() == base + n;
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + count + " free consecutive ports found");
  }
}
