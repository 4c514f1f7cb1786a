package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.orchestrator.Sluice;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One large campaign through the running service on the real PostgreSQL, against the simulated provider with 1 ms of call
 * latency: leads per second end to end (dial request, outcome event, read side updated), the most backend
 * connections seen (db and journal pools), journal events per second, heap after the run.
 *
 * <p>Quiet hours are off and the window is the whole week, so that any valid number is callable at any hour, and
 * every lead gets one attempt: this measures throughput, not the calling rules or retry delays. {@code -Dbench.leads} (default 100000), {@code -Dbench.slots} (call
 * slots, default 200).
 */
public final class CampaignThroughputRunner {
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(50);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String DB_APP = "sluice-db-bench-" + RUN;
  private static final String JOURNAL_APP = "sluice-journal-bench-" + RUN;

  private CampaignThroughputRunner() {}

  public static void main(String[] args) throws Exception {
    int leads = Integer.getInteger("bench.leads", 100_000);
    int slots = Integer.getInteger("bench.slots", 200);
    System.out.println(Machine.describe() + "; " + BenchDatabase.describe());
    Sluice sluice = BenchService.start(DB_APP, JOURNAL_APP, Map.ofEntries(
        Map.entry("sluice.call-slots.capacity", Integer.toString(slots)),
        Map.entry("sluice.call-slots.limit-control.initial-limit", Integer.toString(slots)),
        Map.entry("sluice.campaigns.max-leads", Integer.toString(leads)),
        Map.entry("sluice.campaigns.max-concurrent-calls", Integer.toString(slots)),
        Map.entry("sluice.campaigns.csv.max-bytes", Integer.toString(64 * leads)),
        Map.entry("sluice.campaigns.quiet-hours.enforced", "false"),
        Map.entry("sluice.provider.simulated.latency", "1ms"),
        Map.entry("sluice.provider.simulated.concurrency-cap", Integer.toString(slots)),
        Map.entry("sluice.provider.calls-per-second", "100000"),
        Map.entry("sluice.provider.max-concurrent-requests", "64"),
        // Akka's client pools (4 connections, 32 open requests per host by default) would overflow under 64
        // placements and, in the simulator, 200 outcome deliveries at once: each overflow is retried after a
        // backoff of 100 ms or more, which the run would measure instead of the service.
        Map.entry("akka.http.host-connection-pool.max-connections", "64"),
        Map.entry("akka.http.host-connection-pool.max-open-requests", "512"),
        Map.entry("sluice.provider.queue-size", Integer.toString(2 * slots)),
        Map.entry("akka.http.server.parsing.max-content-length", "64m")));
    try {
      run(sluice, leads, slots);
    } finally {
      sluice.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    // Kamon's reporter thread is not a daemon and lives as long as the JVM: end it here.
    System.exit(0);
  }

  private static void run(Sluice sluice, int leads, int slots) throws Exception {
    BenchApi api = new BenchApi(sluice.httpAddress().getPort());
    String key = api.workspaceKey(BenchService.ADMIN_KEY, "bench-" + RUN);
    String campaign = BenchCampaigns.json("bench", slots);
    long importStart = System.nanoTime();
    JsonNode created = BenchCampaigns.create(api, key, campaign, BenchCampaigns.csv(leads, 0));
    double importSeconds = (System.nanoTime() - importStart) / 1e9;
    String id = created.path("campaignId").asText();
    System.out.printf("campaign %s: %d leads imported in %.1f s%n", id, created.path("leadCount").asLong(),
        importSeconds);

    // Every 50 ms: counting every few milliseconds (as the pool runners do) would itself load the database here.
    try (BenchDatabase.BackendSampler db = new BenchDatabase.BackendSampler(DB_APP, SAMPLE_EVERY);
        BenchDatabase.BackendSampler journal = new BenchDatabase.BackendSampler(JOURNAL_APP, SAMPLE_EVERY)) {
      long eventsBefore = journalEvents(id);
      long start = System.nanoTime();
      api.send("POST", "/v1/campaigns/" + id + "/start", "{}", key, 200);
      JsonNode progress = api.send("GET", "/v1/campaigns/" + id, null, key, 200);
      long lastPrint = 0;
      while (!"COMPLETED".equals(progress.path("status").asText())) {
        // Progress counts the campaign's leads per state and outcome in the table: asked every 5 s, not more.
        Thread.sleep(5_000);
        progress = api.send("GET", "/v1/campaigns/" + id, null, key, 200);
        long now = System.nanoTime();
        if (now - lastPrint > 10_000_000_000L) {
          lastPrint = now;
          System.out.printf("  %.0f s: %d/%d final, %d in flight%n", (now - start) / 1e9,
              progress.path("finalCount").asLong(), leads, progress.path("inFlight").asLong());
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long events = journalEvents(id) - eventsBefore;
      int maxDb = db.stop();
      int maxJournal = journal.stop();
      System.gc();
      Thread.sleep(500);
      System.gc();
      long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      System.out.println();
      System.out.println("| leads | call slots | seconds | leads/s | journal events | events/s | max db backends"
          + " | max journal backends | heap after (MiB) |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      System.out.printf("| %d | %d | %.1f | %.0f | %d | %.0f | %d | %d | %d |%n", leads, slots, seconds,
          leads / seconds, events, events / seconds, maxDb, maxJournal, heapMb);
      int histogram = Integer.getInteger("bench.histogram", 0);
      if (histogram > 0) {
        printHistogram(histogram);
      }
    }
  }

  /**
   * The live heap's largest classes (the JVM's {@code GC.class_histogram}, which collects first), for finding what the
   * heap after a run holds: {@code -Dbench.histogram=25}.
   */
  private static void printHistogram(int lines) throws Exception {
    Object histogram = ManagementFactory.getPlatformMBeanServer().invoke(
        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    System.out.println();
    String[] rows = String.valueOf(histogram).split("\n");
    for (int i = 0; i < Math.min(rows.length, lines + 3); i++) {
      System.out.println(rows[i]);
    }
  }

  private static long journalEvents(String campaignId) throws Exception {
    try (Connection observer = DriverManager.getConnection(BenchDatabase.URL, BenchDatabase.USER,
            BenchDatabase.PASSWORD);
        PreparedStatement count = observer.prepareStatement(
            "SELECT count(*) FROM event_journal WHERE persistence_id = ?")) {
      count.setString(1, "Campaign|" + campaignId);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}
