package io.sluice.bench;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Issue 10's figures: three nodes sharing one database budget against one node with the same budget, under the same
 * campaign and webhook load, and the time from a node's {@code kill -9} to its share being reassigned.
 *
 * <p>Each configuration runs as separate JVMs started by {@code scripts/cluster-demo.sh node N} ({@link BenchNodes}) on
 * the benchmark database, every node with the simulated provider (1 ms calls) and quiet hours off. The load: {@code
 * bench.campaigns} campaigns (6) of {@code bench.leads} leads each (5,000), one attempt per lead, created round-robin
 * through the nodes (Cluster Sharding places them), and one webhook endpoint subscribed to {@code call.completed} on a
 * loopback sink that checks every signature. Goodput = (settled leads + distinct deliveries) ÷ seconds from the start
 * of the campaigns until every campaign is complete and every call's event has arrived. The nodes' backends in {@code
 * pg_stat_activity} (by {@code application_name} prefix) are counted every 100 ms for the whole run and divided by
 * the budget; every node's {@code db} permits (granted, waiting) are read from {@code /v1/pools} every 500 ms to show
 * whether the load saturated the budget.
 *
 * <p>Then three fresh nodes run the load again and node 3 is killed ({@code kill -9}) once a third of the leads are
 * settled; node 1's {@code /health} and {@code /v1/pools} are read every 100 ms for when node 3 became unreachable,
 * was downed and left the budget. {@code bench.budget} (30), {@code bench.stable-after} (the split brain resolver's,
 * 5s), {@code bench.limit} (the {@code db} pools' limit algorithm: {@code fixed}, the default, uses every connection
 * a node's share allows, so the load saturates the budget; {@code gradient}, the service's default, keeps as many as
 * the database serves best), {@code bench.phases} (which configurations, in order: {@code one,three,kill}).
 */
public final class ClusterBudgetRunner {
  private static final int JOURNAL_POOL = 2;
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
  private static final String HEADER = "| nodes | seconds | leads/s | deliveries/s | goodput (ops/s) | max backends"
      + " | max ÷ budget | p50 / p99 ÷ budget | samples > budget | samples with permits waiting | max waiting |\n"
      + "|---|---|---|---|---|---|---|---|---|---|---|\n";

  private final int budget = Integer.getInteger("bench.budget", 30);
  private final int campaigns = Integer.getInteger("bench.campaigns", 6);
  private final int leads = Integer.getInteger("bench.leads", 5_000);
  private final String stableAfter = System.getProperty("bench.stable-after", "5s");
  private final String limitAlgorithm = System.getProperty("bench.limit", "fixed");
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final ActorSystem<Void> peers = ActorSystem.create(Behaviors.empty(), "bench-peers",
      ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));

  private ClusterBudgetRunner() {}

  public static void main(String[] args) throws Exception {
    System.out.println(Machine.describe() + "; " + BenchDatabase.describe());
    ClusterBudgetRunner runner = new ClusterBudgetRunner();
    try {
      runner.runAll();
    } finally {
      runner.peers.terminate();
    }
    // Kamon's reporter thread is not a daemon and lives as long as the JVM: end it here.
    System.exit(0);
  }

  private void runAll() throws Exception {
    System.out.printf("budget %d, %d campaigns x %d leads, journal pool %d per node, db limit %s, stable-after %s%n",
        budget, campaigns, leads, JOURNAL_POOL, limitAlgorithm, stableAfter);
    List<String> phases = List.of(System.getProperty("bench.phases", "one,three,kill").split(","));
    Map<String, Load> loads = new java.util.LinkedHashMap<>();
    for (String phase : phases) {
      Load load = switch (phase) {
        case "one" -> measure("one", 1, false, false);
        case "three" -> measure("three", 3, true, false);
        case "kill" -> measure("kill", 3, true, true);
        default -> throw new IllegalArgumentException("bench.phases: no phase '" + phase + "' (one, three, kill)");
      };
      loads.put(phase, load);
      System.out.println(HEADER + load.row(budget));
    }
    System.out.println();
    System.out.print(HEADER);
    loads.values().forEach(load -> System.out.println(load.row(budget)));
    if (loads.containsKey("one") && loads.containsKey("three")) {
      System.out.printf("%ngoodput three ÷ one: %.2f%n", loads.get("three").goodput() / loads.get("one").goodput());
    }
    if (loads.containsKey("kill")) {
      System.out.println(loads.get("kill").timeline);
    }
  }

  /** One configuration under the load; with {@code kill}, node 3 is killed a third of the way through. */
  private Load measure(String name, int nodeCount, boolean clustered, boolean kill) throws Exception {
    String prefix = "sluice-cb-" + run + "-" + name;
    System.out.printf("%n%s: %d node(s), starting%n", name, nodeCount);
    try (BenchNodes nodes = BenchNodes.start(prefix, nodeCount, clustered, environment(), javaOptions());
        WebhookSink sink = new WebhookSink(peers, 1)) {
      BenchApi first = new BenchApi(nodes.httpPort(1));
      String key = first.workspaceKey(BenchService.ADMIN_KEY, prefix);
      String secret = first.send("POST", "/v1/webhooks/endpoints", "{\"url\":\"" + sink.url(0)
          + "\",\"eventTypes\":[\"call.completed\"]}", key, 201).path("secret").asText();
      sink.trust(List.of(secret));
      List<String> ids = new ArrayList<>();
      for (int c = 0; c < campaigns; c++) {
        BenchApi api = new BenchApi(nodes.httpPort(1 + c % nodeCount));
        ids.add(BenchCampaigns.create(api, key, BenchCampaigns.json(name + "-" + c, 100),
            BenchCampaigns.csv(leads, c * leads)).path("campaignId").asText());
      }
      KillTimeline timeline = kill ? new KillTimeline(first, key, nodes.clusterPort(3)) : null;
      BenchDatabase.BackendSampler backends =
          BenchDatabase.BackendSampler.withPrefix(nodes.applicationPrefix(), SAMPLE_EVERY);
      PermitDemand demand = new PermitDemand(nodes, key);
      long start = System.nanoTime();
      for (int c = 0; c < campaigns; c++) {
        new BenchApi(nodes.httpPort(1 + c % nodeCount)).send("POST", "/v1/campaigns/" + ids.get(c) + "/start", "{}",
            key, 200);
      }
      long settled = awaitCampaigns(first, key, ids, timeline == null ? null : () -> {
        nodes.kill(3);
        demand.nodeKilled(3);
        timeline.killed();
      });
      long expected = callsSettled(ids);
      while (sink.distinct() < expected) {
        Thread.sleep(100);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      demand.close();
      backends.stop();
      if (timeline != null) {
        timeline.close();
      }
      System.out.printf("%s: %d leads settled, %d deliveries (%d repeated under the same id, %d badly signed) in"
          + " %.1f s%n", name, settled, sink.distinct(), sink.duplicates(), sink.badSignatures(), seconds);
      return new Load(nodeCount, seconds, settled, sink.distinct(), backends.counts(), demand,
          timeline == null ? "" : timeline.report());
    }
  }

  private Map<String, String> environment() {
    return Map.ofEntries(
        Map.entry("SLUICE_DB_MAX_CONNECTIONS", Integer.toString(budget)),
        Map.entry("SLUICE_DB_POOL_MAX_SIZE", Integer.toString(budget - JOURNAL_POOL)),
        Map.entry("SLUICE_DB_POOL_LIMIT", Integer.toString(budget - JOURNAL_POOL)),
        Map.entry("SLUICE_DB_POOL_LIMIT_ALGORITHM", limitAlgorithm),
        Map.entry("SLUICE_JOURNAL_POOL_MAX_SIZE", Integer.toString(JOURNAL_POOL)),
        Map.entry("SLUICE_CLUSTER_SBR_STABLE_AFTER", stableAfter),
        Map.entry("SLUICE_WEBHOOKS_ALLOW_ADDRESSES", "127.0.0.0/8"),
        Map.entry("SLUICE_EMAIL_TRANSPORT", "outbox"),
        Map.entry("SLUICE_PROVIDER_SIMULATED_LATENCY", "1ms"),
        Map.entry("SLUICE_PROVIDER_SIMULATED_CONCURRENCY_CAP", "200"),
        Map.entry("SLUICE_PROVIDER_CALLS_PER_SECOND", "100000"),
        Map.entry("SLUICE_PROVIDER_MAX_CONCURRENT_REQUESTS", "64"),
        Map.entry("SLUICE_PROVIDER_QUEUE_SIZE", "400"));
  }

  /** Settings without an environment variable, as {@code CampaignThroughputRunner} sets them (see its comments). */
  private String javaOptions() {
    return String.join(" ", "-Dsluice.call-slots.capacity=200", "-Dsluice.call-slots.limit-control.initial-limit=200",
        "-Dsluice.campaigns.max-leads=" + leads, "-Dsluice.campaigns.max-concurrent-calls=200",
        "-Dsluice.campaigns.csv.max-bytes=" + 64 * leads, "-Dsluice.campaigns.quiet-hours.enforced=false",
        "-Dakka.http.host-connection-pool.max-connections=64",
        "-Dakka.http.host-connection-pool.max-open-requests=512");
  }

  /** Waits until every campaign is complete, running {@code atThird} once a third of all leads are final. */
  private long awaitCampaigns(BenchApi api, String key, List<String> ids, Step atThird) throws Exception {
    long total = (long) campaigns * leads;
    Step pending = atThird;
    while (true) {
      long settled = 0;
      boolean complete = true;
      for (String id : ids) {
        try {
          JsonNode progress = api.send("GET", "/v1/campaigns/" + id, null, key, 200);
          settled += progress.path("finalCount").asLong();
          complete &= "COMPLETED".equals(progress.path("status").asText());
        } catch (IOException unavailable) {
          // 503 while a killed node's campaign moves to a survivor: asked again in the next round.
          complete = false;
        }
      }
      if (complete) {
        return settled;
      }
      if (pending != null && settled * 3 >= total) {
        System.out.printf("  %d of %d leads final: kill -9 node 3%n", settled, total);
        pending.run();
        pending = null;
      }
      Thread.sleep(1_000);
    }
  }

  /**
   * Calls settled for the campaigns, one {@code call.completed} each. Counted by lead attempt, not by provider event:
   * each node simulates its own provider, so a call in flight on a killed node is placed again, under the same key, at
   * a simulator that never saw the key and reports it a second time (a real provider answers the key's first call).
   */
  private static long callsSettled(List<String> ids) throws Exception {
    try (Connection observer = DriverManager.getConnection(BenchDatabase.URL, BenchDatabase.USER,
            BenchDatabase.PASSWORD);
        PreparedStatement count = observer.prepareStatement("SELECT count(DISTINCT (campaign_id, lead_id, attempt))"
            + " FROM provider_event WHERE campaign_id = ANY (?) AND processed_at IS NOT NULL")) {
      count.setArray(1, observer.createArrayOf("varchar", ids.toArray()));
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  /** One configuration's figures. */
  private record Load(int nodes, double seconds, long leads, long deliveries, int[] backends, PermitDemand demand,
      String timeline) {
    double goodput() {
      return (leads + deliveries) / seconds;
    }

    String row(int budget) {
      int[] sorted = backends.clone();
      Arrays.sort(sorted);
      int max = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
      long over = Arrays.stream(sorted).filter(count -> count > budget).count();
      return String.format("| %d | %.1f | %.0f | %.0f | %.0f | %d | %.2f | %.2f / %.2f | %d of %d | %.0f %% | %d |",
          nodes, seconds, leads / seconds, deliveries / seconds, goodput(), max, (double) max / budget,
          percentile(sorted, 0.50) / budget, percentile(sorted, 0.99) / budget, over, sorted.length,
          100 * demand.waitingShare(), demand.maxWaiting());
    }

    private static double percentile(int[] sorted, double q) {
      return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
  }
}
