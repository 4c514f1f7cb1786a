package io.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.demo.DemoLeads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Serverless idle drain (issue 9): the service in this JVM in serverless mode, both pools' idle timeout 2 s
 * ({@code -Dbench.idle-timeout}, seconds). Each of {@code -Dbench.repetitions} (default 5) rounds does a burst of work
 * through the API that touches both pools — a new workspace and its key, an event type and
 * {@code -Dbench.events} (default 20) events published, a campaign created with 20 leads and its start scheduled an
 * hour ahead (event-sourced: the journal) — and then measures the time from the end of the last response to the first
 * moment {@code pg_stat_activity} shows no backend of either pool (sampled every 50 ms by their
 * {@code application_name}s), and checks that none comes back for a second. Prints each round and min / median / max.
 * Target: at most 3 s with the 2 s idle timeout.
 */
public final class IdleDrainRunner {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String DB_APP = "sluice-db-drain-" + RUN;
  private static final String JOURNAL_APP = "sluice-journal-drain-" + RUN;
  private static final String TICK_TOKEN = "idle-drain-bench-tick-token-" + RUN;
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(50);
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
  private static final Duration STAYS_DRAINED = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private IdleDrainRunner() {}

  public static void main(String[] args) throws Exception {
    int idleSeconds = Integer.getInteger("bench.idle-timeout", 2);
    int repetitions = Integer.getInteger("bench.repetitions", 5);
    int events = Integer.getInteger("bench.events", 20);
    System.out.println(Machine.describe() + ", " + Machine.load());
    Sluice sluice = BenchService.start(DB_APP, JOURNAL_APP, Map.of(
        "sluice.mode", "serverless",
        "sluice.serverless.tick-token", TICK_TOKEN,
        "sluice.pools.db.idle-timeout", idleSeconds + "s",
        "sluice.pools.journal.idle-timeout", idleSeconds + "s",
        "sluice.call-slots.idle-timeout", idleSeconds + "s"));
    try {
      run(sluice, idleSeconds, repetitions, events);
    } finally {
      sluice.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    // Kamon's reporter thread is not a daemon and lives as long as the JVM: end it here.
    System.exit(0);
  }

  private static void run(Sluice sluice, int idleSeconds, int repetitions, int events) throws Exception {
    BenchApi api = new BenchApi(sluice.httpAddress().getPort());
    System.out.printf(Locale.ROOT, "idle drain: serverless, idle-timeout %d s (db and journal pools), %d events and "
        + "1 campaign per round, sampled every %d ms%n", idleSeconds, events, SAMPLE_EVERY.toMillis());
    // Start-up's own work drains first, so every round starts from zero backends.
    awaitZero(Instant.now());
    List<Long> drains = new ArrayList<>();
    for (int round = 1; round <= repetitions; round++) {
      int peak = burst(api, round, events);
      Instant lastWork = Instant.now();
      int seen = backends();
      Instant drainedAt = awaitZero(lastWork);
      long drainMillis = Duration.between(lastWork, drainedAt).toMillis();
      boolean stayed = staysDrained();
      drains.add(drainMillis);
      System.out.printf(Locale.ROOT, "round %d: backends at the end of the burst %d (during it %d), zero after "
          + "%d ms%s, %s%n", round, seen, peak, drainMillis, stayed ? "" : " BUT A BACKEND CAME BACK",
          Machine.load());
    }
    List<Long> sorted = drains.stream().sorted().toList();
    long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    System.out.printf(Locale.ROOT, "last work -> zero backends (ms): min %d, median %d, max %d over %d rounds;"
        + " target <= 3000: %s%n", sorted.get(0), median, sorted.get(sorted.size() - 1), sorted.size(),
        sorted.get(sorted.size() - 1) <= 3000 ? "met" : "MISSED");
  }

  /** The round's work through the API; answers the most backends seen between its requests. */
  private static int burst(BenchApi api, int round, int events) throws Exception {
    int peak = 0;
    String key = api.workspaceKey(BenchService.ADMIN_KEY, "drain-" + RUN + "-" + round);
    peak = Math.max(peak, backends());
    api.send("POST", "/v1/webhooks/event-types", "{\"name\":\"drain.ready\"}", key, 201);
    for (int i = 0; i < events; i++) {
      api.send("POST", "/v1/events", JSON.writeValueAsString(Map.of("eventType", "drain.ready",
          "payload", Map.of("round", round, "n", i))), key, 202);
    }
    peak = Math.max(peak, backends());
    String campaignId = api.send("POST", "/v1/campaigns", JSON.writeValueAsString(campaign(round)), key, 201)
        .path("campaignId").asText();
    api.send("POST", "/v1/campaigns/" + campaignId + "/start",
        JSON.writeValueAsString(Map.of("at", Instant.now().plus(Duration.ofHours(1)).toString())), key, 200);
    return Math.max(peak, backends());
  }

  private static Map<String, Object> campaign(int round) {
    return Map.of(
        "name", "Idle drain " + round,
        "owner", Map.of("userId", "owner-1", "email", "owner@example.com"),
        "leads", new DemoLeads().pick(Instant.now(), 2, 20).stream().map(DemoLeads::asJson).toList(),
        "windows", List.of(Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"),
            "start", "08:00", "end", "21:00")),
        "maxConcurrentCalls", 2,
        "hotThreshold", 60);
  }

  /** The first sample at or after {@code from} that shows no backend of either pool. */
  private static Instant awaitZero(Instant from) throws InterruptedException {
    while (true) {
      if (backends() == 0) {
        return Instant.now();
      }
      if (Duration.between(from, Instant.now()).compareTo(DRAIN_LIMIT) > 0) {
        throw new IllegalStateException("backends still open " + DRAIN_LIMIT + " after the last work");
      }
      Thread.sleep(SAMPLE_EVERY.toMillis());
    }
  }

  private static boolean staysDrained() throws InterruptedException {
    Instant until = Instant.now().plus(STAYS_DRAINED);
    while (Instant.now().isBefore(until)) {
      if (backends() > 0) {
        return false;
      }
      Thread.sleep(SAMPLE_EVERY.toMillis());
    }
    return true;
  }

  /** Backends of the service's two pools now. */
  private static int backends() {
    try (Connection observer = DriverManager.getConnection(BenchDatabase.URL, BenchDatabase.USER,
            BenchDatabase.PASSWORD);
        PreparedStatement count = observer.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name IN (?, ?)")) {
      count.setString(1, DB_APP);
      count.setString(2, JOURNAL_APP);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
