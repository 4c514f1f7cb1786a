package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.it.BackendSampler;
import io.sluice.orchestrator.it.ServiceProcess;
import io.sluice.orchestrator.provider.SimulatedProvider;
import io.sluice.orchestrator.signing.StandardWebhooks;
import io.sluice.orchestrator.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes as separate JVMs, started by {@code scripts/cluster-demo.sh node N} on the real PostgreSQL with one
 * connection budget of 30 for all of them. Campaigns and a webhook endpoint run spread over the nodes; one node is
 * killed with {@code kill -9} midway. Its campaigns and deliveries continue on the others: every campaign completes,
 * no lead attempt is placed under a second key, every call event reaches the receiver under one webhook id only, and
 * the nodes' backends in {@code pg_stat_activity} (sampled every 100 ms by {@code application_name}) never exceed the
 * budget.
 */
class ClusterCrashTest {
  private static final String ADMIN_KEY = "cluster-test-admin-key-0123456789abcdef";
  private static final String OWNER = "cluster-" + UUID.randomUUID() + "@example.com";
  private static final int BUDGET = 30;
  private static final String EVENTS_PATH = "/cluster-events";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ActorTestKit testKit;
  private static SimulatedProvider provider;
  private static WebhookReceiver receiver;
  private static String secret;

  /** Under target/: the nodes' logs stay for a failure's diagnosis. */
  private final Path data = Path.of("target", "cluster-test-" + UUID.randomUUID()).toAbsolutePath();
  private final String prefix = "sluice-ct-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startPeers() throws Exception {
    TestDatabase.retireLeftoverWork();
    testKit = ActorTestKit.create("ClusterCrashTest", ConfigFactory.parseString("akka.actor.provider = local"));
    secret = StandardWebhooks.generateSecret();
    provider = CrashTestProvider.start(testKit.system(), secret);
    receiver = new WebhookReceiver(testKit.system()).on(EVENTS_PATH, () ->
        akka.http.javadsl.server.Directives.complete(StatusCodes.OK));
  }

  @AfterAll
  static void stopPeers() throws Exception {
    receiver.close();
    provider.stop();
    testKit.shutdownTestKit();
  }

  @Test
  void campaignsAndDeliveriesOfAKilledNodeContinueOnTheOthersWithinOneBudget() throws Exception {
    Files.createDirectories(data);
    int httpBase = freeBase();
    int clusterBase = freeBase();
    Map<String, String> env = ServiceProcess.baseEnvironment(0, ADMIN_KEY, data);
    env.remove("SLUICE_HTTP_PORT");
    env.remove("SLUICE_CLUSTER_PORT");
    env.put("SLUICE_DEMO_CLASSPATH", System.getProperty("java.class.path"));
    env.put("SLUICE_DEMO_DIR", data.toString());
    env.put("SLUICE_DEMO_HTTP_BASE", Integer.toString(httpBase));
    env.put("SLUICE_DEMO_CLUSTER_BASE", Integer.toString(clusterBase));
    env.put("SLUICE_DEMO_APPLICATION_PREFIX", prefix);
    env.put("SLUICE_DB_MAX_CONNECTIONS", Integer.toString(BUDGET));
    // Provider callbacks go to the first node (a load balancer's job in production), which is never killed.
    env.put("SLUICE_PROVIDER_SIMULATED", "false");
    env.put("SLUICE_PROVIDER_URL", provider.url());
    env.put("SLUICE_PROVIDER_WEBHOOK_SECRET", secret);
    env.put("SLUICE_PROVIDER_CALLBACK_URL", "http://127.0.0.1:" + (httpBase + 1) + "/v1/provider/events");
    // A crashed node is downed after 5 s of being unreachable instead of 20 s, to keep the test short.
    env.put("SLUICE_CLUSTER_SBR_STABLE_AFTER", "5s");
    env.put("SLUICE_EMAIL_TRANSPORT", "outbox");
    env.put("SLUICE_WEBHOOKS_ALLOW_ADDRESSES", "127.0.0.0/8");

    BackendSampler sampler = new BackendSampler(prefix + "-");
    List<ServiceProcess> nodes = new ArrayList<>();
    try {
      Path script = Path.of("..", "scripts", "cluster-demo.sh").toAbsolutePath().normalize();
      for (int n = 1; n <= 3; n++) {
        nodes.add(ServiceProcess.start(List.of("bash", script.toString(), "node", Integer.toString(n)), env,
            data.resolve("node-" + n + ".log"), Duration.ofSeconds(120)));
      }
      CampaignApi first = new CampaignApi(nodes.get(0).httpPort()).inNewWorkspace(ADMIN_KEY);
      List<CampaignApi> apis = new ArrayList<>(List.of(first));
      for (int n = 1; n < 3; n++) {
        CampaignApi api = new CampaignApi(nodes.get(n).httpPort());
        api.sameWorkspaceAs(first);
        apis.add(api);
      }
      String endpointSecret = apis.get(1).send("POST", "/v1/webhooks/endpoints", Map.of("url",
          receiver.url(EVENTS_PATH), "eventTypes", List.of("call.completed")), 201).path("secret").asText();

      // Campaigns created through every node; Cluster Sharding places their entities over the three.
      Map<String, Integer> leadsByCampaign = new HashMap<>();
      for (int i = 0; i < 6; i++) {
        JsonNode created = apis.get(i % 3).create(CampaignApi.daytimeCampaign(12, 3, OWNER));
        String campaignId = created.path("campaignId").asText();
        leadsByCampaign.put(campaignId, created.path("leadCount").asInt());
        apis.get(i % 3).start(campaignId);
      }
      for (String campaignId : leadsByCampaign.keySet()) {
        first.awaitProgress(campaignId, p -> p.path("finalCount").asInt() >= 2, Duration.ofSeconds(90));
      }
      nodes.get(2).kill();

      for (Map.Entry<String, Integer> campaign : leadsByCampaign.entrySet()) {
        JsonNode done = first.awaitProgress(campaign.getKey(),
            p -> "COMPLETED".equals(p.path("status").asText()), Duration.ofSeconds(180));
        assertEquals((int) campaign.getValue(), done.path("finalCount").asInt(), done.toString());
      }
      Set<String> keys = new HashSet<>();
      provider.keysByLeadAttempt().forEach((attempt, keysOfAttempt) -> {
        if (leadsByCampaign.containsKey(attempt.campaignId())) {
          assertEquals(1, keysOfAttempt.size(), attempt + " was placed under " + keysOfAttempt);
          assertTrue(keys.addAll(keysOfAttempt), "a key served two lead attempts: " + keysOfAttempt);
        }
      });
      assertCallEventsUnderOneIdEach(leadsByCampaign.keySet(), endpointSecret);
      String budget = apis.get(0).request("GET", "/v1/pools", null).body();
      assertTrue(budget.contains("\"pool\":\"cluster-budget\""), budget);
    } finally {
      sampler.close();
      for (ServiceProcess node : nodes) {
        node.close();
      }
    }
    assertTrue(sampler.max() <= BUDGET, "the cluster held " + sampler.max() + " backends, budget " + BUDGET);
    assertTrue(sampler.max() > 3, "the nodes used the database: " + sampler.max());
  }

  /** Every call's event reached the receiver, signed, and always under the same webhook id. */
  private static void assertCallEventsUnderOneIdEach(Set<String> campaigns, String endpointSecret) throws Exception {
    StandardWebhooks verifier = new StandardWebhooks(endpointSecret);
    Map<String, Set<String>> idsByCall = new HashMap<>();
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
    long calls = callsSettled(campaigns);
    while (java.time.Instant.now().isBefore(deadline)) {
      idsByCall.clear();
      for (WebhookReceiver.Received request : receiver.received()) {
        JsonNode data = JSON.readTree(request.body()).path("data");
        if (campaigns.contains(data.path("campaignId").asText())) {
          verifier.verify(request.header("webhook-id"), request.header("webhook-timestamp"),
              request.header("webhook-signature"), request.body());
          idsByCall.computeIfAbsent(data.path("campaignId").asText() + "/" + data.path("leadId").asText() + "/"
              + data.path("attempt").asInt(), call -> new HashSet<>()).add(request.header("webhook-id"));
        }
      }
      if (idsByCall.size() >= calls) {
        break;
      }
      Thread.sleep(250);
    }
    assertEquals(calls, idsByCall.size(), "one call.completed per settled call");
    idsByCall.forEach((call, ids) -> assertEquals(1, ids.size(), call + " delivered under " + ids));
  }

  private static long callsSettled(Set<String> campaigns) throws Exception {
    try (Connection observer = TestDatabase.observer();
        PreparedStatement count = observer.prepareStatement(
            "SELECT count(*) FROM provider_event WHERE campaign_id = ANY (?) AND processed_at IS NOT NULL")) {
      count.setArray(1, observer.createArrayOf("varchar", campaigns.toArray()));
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** A base such that base + 1 .. base + 3 are free now. */
  private static int freeBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + new java.util.Random().nextInt(30_000);
      boolean free = true;
      for (int n = 1; n <= 3 && free; n++) {
        try (ServerSocket socket = new ServerSocket(base + n)) {
          socket.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no three consecutive free ports found");
  }
}
