package io.sluice.bench;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.orchestrator.Sluice;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Sustained webhook deliveries through the running service on the real PostgreSQL (journal included): 10 endpoints
 * on a loopback sink ({@link WebhookSink}), events published open-loop over {@code POST /v1/events} at each offered
 * rate of {@code -Dbench.rates} (default 1000,1500,2000,2500) for {@code -Dbench.seconds} (default 60) each, after
 * {@code -Dbench.warmup} seconds (default 10) at 200/s that are not reported. Message
 * {@code n} has type {@code bench.(n mod 10)} and endpoint {@code k} subscribes to {@code bench.k} only, so every
 * message is one delivery.
 *
 * <p>Per rate: deliveries per second inside the window, first-attempt latency (publish request sent → request at the
 * receiver) p50/p99, the most backends of each pool. A rate is <em>held</em> when at least 98 % of what was offered
 * arrived inside the window and nothing failed. Each phase then waits for its backlog and checks a ledger against the
 * tables: published = delivered + dead-lettered + pending, and the sink's distinct signed arrivals = delivered, with
 * no bad signature; otherwise the phase is void.
 */
public final class WebhookThroughputRunner {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String DB_APP = "sluice-db-whbench-" + RUN;
  private static final String JOURNAL_APP = "sluice-journal-whbench-" + RUN;
  private static final int ENDPOINTS = 10;
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(50);
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);
  private static final int WARM_UP_PHASE = 1_000;
  private static final int WARM_UP_RATE = 200;

  private WebhookThroughputRunner() {}

  public static void main(String[] args) throws Exception {
    int[] rates = Arrays.stream(System.getProperty("bench.rates", "1000,1500,2000,2500").split(","))
        .map(String::trim).mapToInt(Integer::parseInt).toArray();
    int seconds = Integer.getInteger("bench.seconds", 60);
    System.out.println(Machine.describe() + ", " + Machine.load() + "; " + BenchDatabase.describe());
    Sluice sluice = BenchService.start(DB_APP, JOURNAL_APP,
        Map.of("sluice.webhooks.allow-addresses", "127.0.0.0/8"));
    try {
      run(sluice, rates, seconds);
    } finally {
      sluice.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    // Kamon's reporter thread is not a daemon and lives as long as the JVM: end it here.
    System.exit(0);
  }

  private static void run(Sluice sluice, int[] rates, int seconds) throws Exception {
    BenchApi api = new BenchApi(sluice.httpAddress().getPort());
    String key = api.workspaceKey(BenchService.ADMIN_KEY, "whbench-" + RUN);
    int warmUpSeconds = Integer.getInteger("bench.warmup", 10);
    int capacity = Arrays.stream(rates).sum() * seconds + WARM_UP_RATE * warmUpSeconds + 1;
    List<String> secrets = new ArrayList<>();
    List<String> endpointIds = new ArrayList<>();
    for (int k = 0; k < ENDPOINTS; k++) {
      api.send("POST", "/v1/webhooks/event-types", "{\"name\":\"bench." + k + "\"}", key, 201);
    }
    try (WebhookSink sink = new WebhookSink(sluice.system(), capacity)) {
      for (int k = 0; k < ENDPOINTS; k++) {
        JsonNode endpoint = api.send("POST", "/v1/webhooks/endpoints", "{\"url\":\"" + sink.url(k)
            + "\",\"eventTypes\":[\"bench." + k + "\"],\"maxConcurrency\":50}", key, 201);
        endpointIds.add(endpoint.path("id").asText());
        secrets.add(endpoint.path("secret").asText());
      }
      sink.trust(secrets);
      Publisher publisher = new Publisher(sluice.system(), api, key, capacity);
      // Warm-up, not reported: JIT, connection pools and the adaptive limit settle before the first measured phase.
      int warmFirst = publisher.next();
      publisher.offer(WARM_UP_PHASE, WARM_UP_RATE, warmUpSeconds);
      int warmLast = publisher.next();
      long warmDeadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
      while (System.nanoTime() < warmDeadline && !publisher.settled(warmFirst, warmLast, sink::arrival)) {
        Thread.sleep(200);
      }
      System.out.println();
      System.out.println("| offered/s | seconds | published | delivered in window/s | held | p50 ms | p99 ms"
          + " | publish p50 ms | publish p99 ms | max db backends | max journal backends | ledger |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
      List<String> pools = new ArrayList<>();
      for (int phase = 0; phase < rates.length; phase++) {
        System.out.println(phase(phase, rates[phase], seconds, publisher, sink));
        pools.add(rates[phase] + "/s: " + permits(api, key));
      }
      System.out.println();
      pools.forEach(line -> System.out.println("db permits after " + line));
      System.out.println();
      System.out.printf("sink: %d requests, %d distinct, %d duplicates, %d bad signatures%n", sink.received(),
          sink.distinct(), sink.duplicates(), sink.badSignatures());
    }
  }

  private static String phase(int phase, int rate, int seconds, Publisher publisher, WebhookSink sink)
      throws Exception {
    try (BenchDatabase.BackendSampler db = new BenchDatabase.BackendSampler(DB_APP, SAMPLE_EVERY);
        BenchDatabase.BackendSampler journal = new BenchDatabase.BackendSampler(JOURNAL_APP, SAMPLE_EVERY)) {
      int first = publisher.next();
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      publisher.offer(phase, rate, seconds);
      int last = publisher.next();
      long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
      while (System.nanoTime() < deadline && !publisher.settled(first, last, sink::arrival)) {
        Thread.sleep(200);
      }
      Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
      Histogram publishing = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
      long inWindow = 0;
      long published = 0;
      for (int n = first; n < last; n++) {
        long sent = publisher.sentAt(n);
        long arrived = sink.arrival(n);
        if (publisher.accepted(n)) {
          published++;
          publishing.recordValue(Math.max(0, (publisher.acceptedAt(n) - sent) / 1_000));
        }
        if (sent > 0 && arrived > 0) {
          latency.recordValue(Math.max(0, (arrived - sent) / 1_000));
          if (arrived <= end) {
            inWindow++;
          }
        }
      }
      Ledger ledger = Ledger.read(publisher.keyPattern(phase));
      boolean balanced = ledger.published() == ledger.delivered() + ledger.dead() + ledger.pending()
          && ledger.published() == published && sink.badSignatures() == 0;
      double deliveredPerSecond = inWindow / (double) seconds;
      boolean held = deliveredPerSecond >= 0.98 * rate && publisher.failures() == 0 && balanced;
      return String.format(Locale.ROOT, "| %d | %d | %d | %.0f | %s | %.1f | %.1f | %.1f | %.1f | %d | %d | %s |",
          rate, seconds, published, deliveredPerSecond, held ? "yes" : "no",
          latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
          publishing.getValueAtPercentile(50) / 1000.0, publishing.getValueAtPercentile(99) / 1000.0,
          db.stop(), journal.stop(),
          (balanced ? "balanced: " : "VOID: ") + ledger + ", publish failures " + publisher.failures());
    }
  }

  /** The db pool's permit counters and wait and hold times so far, from {@code /v1/pools}. */
  private static String permits(BenchApi api, String key) throws Exception {
    for (JsonNode pool : api.send("GET", "/v1/pools", null, key, 200)) {
      if ("db".equals(pool.path("pool").asText())) {
        return "limit " + pool.path("limit") + ", acquired " + pool.path("counters").path("acquired") + ", wait ms "
            + pool.path("waitMillis") + ", hold ms " + pool.path("holdMillis");
      }
    }
    return "no db pool in /v1/pools";
  }

  /** What the tables say about the phase's messages. */
  private record Ledger(long published, long delivered, long dead, long pending) {
    static Ledger read(String since) throws Exception {
      try (Connection observer = DriverManager.getConnection(BenchDatabase.URL, BenchDatabase.USER,
              BenchDatabase.PASSWORD);
          PreparedStatement counts = observer.prepareStatement("SELECT count(*),"
              + " count(*) FILTER (WHERE d.state = 'DELIVERED'), count(*) FILTER (WHERE d.state = 'DEAD'),"
              + " count(*) FILTER (WHERE d.state = 'PENDING')"
              + " FROM webhook_message m LEFT JOIN webhook_delivery d ON d.message_id = m.id"
              + " WHERE m.idempotency_key LIKE ?")) {
        counts.setString(1, since);
        try (ResultSet row = counts.executeQuery()) {
          row.next();
          return new Ledger(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
        }
      }
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d = %d delivered + %d dead + %d pending", published, delivered, dead,
          pending);
    }
  }

  /**
   * Publishes open-loop: every millisecond as many events as the rate owes by then, each request sent without waiting
   * for earlier answers (Akka HTTP's pool, up to 256 connections), its send time noted by sequence number.
   */
  private static final class Publisher {
    private final ActorSystem<?> system;
    private final Http http;
    private final ConnectionPoolSettings pool;
    private final String uri;
    private final Authorization authorization;
    private final AtomicLongArray sentAt;
    private final AtomicLongArray acceptedAt;
    private final AtomicLongArray answeredAt;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    Publisher(ActorSystem<?> system, BenchApi api, String key, int capacity) {
      this.system = system;
      this.http = Http.get(system);
      this.pool = ConnectionPoolSettings.create(system.classicSystem()).withMaxConnections(256)
          .withMaxOpenRequests(65_536);
      this.uri = api.base().resolve("/v1/events").toString();
      this.authorization = Authorization.oauth2(key);
      this.sentAt = new AtomicLongArray(capacity);
      this.acceptedAt = new AtomicLongArray(capacity);
      this.answeredAt = new AtomicLongArray(capacity);
    }

    int next() {
      return next.get();
    }

    /** Offers {@code rate} events per second for {@code seconds}; returns when the last one was sent. */
    void offer(int phase, int rate, int seconds) throws InterruptedException {
      long start = System.nanoTime();
      long total = (long) rate * seconds;
      AtomicLong sent = new AtomicLong();
      var tick = ticker.scheduleAtFixedRate(() -> {
        long owed = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
        while (sent.get() < owed) {
          sent.incrementAndGet();
          publish(phase, next.getAndIncrement());
        }
      }, 0, 1, TimeUnit.MILLISECONDS);
      while (sent.get() < total) {
        Thread.sleep(50);
      }
      tick.cancel(false);
    }

    private void publish(int phase, int sequence) {
      String body = "{\"eventType\":\"bench." + (sequence % ENDPOINTS) + "\",\"idempotencyKey\":\""
          + keyPrefix(phase) + sequence + "\",\"payload\":{\"seq\":" + sequence + ",\"note\":\"webhook throughput run " + RUN + "\"}}";
      sentAt.set(sequence, System.nanoTime());
      http.singleRequest(HttpRequest.POST(uri).addHeader(authorization)
                  .withEntity(ContentTypes.APPLICATION_JSON, body),
              http.defaultClientHttpsContext(), pool, system.classicSystem().log())
          .whenComplete((response, failure) -> {
            answeredAt.set(sequence, System.nanoTime());
            if (failure != null) {
              failures.incrementAndGet();
              return;
            }
            response.discardEntityBytes(system);
            if (response.status().intValue() == 202) {
              acceptedAt.set(sequence, System.nanoTime());
            } else {
              failures.incrementAndGet();
            }
          });
    }

    long sentAt(int sequence) {
      return sentAt.get(sequence);
    }

    long acceptedAt(int sequence) {
      return acceptedAt.get(sequence);
    }

    boolean accepted(int sequence) {
      return acceptedAt.get(sequence) > 0;
    }

    long failures() {
      return failures.get();
    }

    /** Every request of [first, last) answered, and every accepted message arrived. */
    boolean settled(int first, int last, java.util.function.IntToLongFunction arrival) {
      for (int n = first; n < last; n++) {
        if (answeredAt.get(n) == 0 || accepted(n) && arrival.applyAsLong(n) == 0) {
          return false;
        }
      }
      return true;
    }

    private static String keyPrefix(int phase) {
      return RUN + "-" + phase + "-";
    }

    /** A LIKE pattern for the idempotency keys of one phase's messages; the ledger counts by it. */
    String keyPattern(int phase) {
      return keyPrefix(phase) + "%";
    }
  }
}
