package io.sluice.orchestrator.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.demo.DemoLeads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** The campaign API as a client sees it, over real HTTP: what the campaign tests drive the service with. */
final class CampaignApi {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final URI base;
  private String key;

  CampaignApi(int port) {
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  /** Creates a workspace of its own with the admin key and uses its first API key from then on. */
  CampaignApi inNewWorkspace(String adminKey) throws IOException, InterruptedException {
    JsonNode workspace = send("POST", "/v1/admin/workspaces", Map.of("name", "test-" + UUID.randomUUID()), adminKey,
        201);
    key = send("POST", "/v1/admin/workspaces/" + workspace.path("id").asText() + "/keys", Map.of(), adminKey, 201)
        .path("key").asText();
    return this;
  }

  /** A campaign of leads in countries where it is daytime now, so it may be called whatever the hour. */
  static Map<String, Object> daytimeCampaign(int leads, int maxConcurrentCalls, String ownerEmail) {
    List<DemoLeads.DemoLead> picked = new DemoLeads().pick(Instant.now(), 6, leads);
    return Map.of(
        "name", "Test campaign",
        "owner", Map.of("userId", "owner-1", "email", ownerEmail),
        "leads", picked.stream().map(DemoLeads::asJson).toList(),
        "windows", List.of(Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"),
            "start", "08:00", "end", "21:00")),
        "maxConcurrentCalls", maxConcurrentCalls,
        "hotThreshold", 60,
        "retryPolicy", Map.of(
            "NO_ANSWER", Map.of("maxAttempts", 2, "delay", "PT1S"),
            "BUSY", Map.of("maxAttempts", 2, "delay", "PT1S"),
            "VOICEMAIL", Map.of("maxAttempts", 2, "delay", "PT1S"),
            "FAILED", Map.of("maxAttempts", 2, "delay", "PT1S")));
  }

  JsonNode create(Map<String, Object> campaign) throws IOException, InterruptedException {
    return send("POST", "/v1/campaigns", campaign, key, 201);
  }

  JsonNode start(String campaignId) throws IOException, InterruptedException {
    return send("POST", "/v1/campaigns/" + campaignId + "/start", Map.of(), key, 200);
  }

  JsonNode progress(String campaignId) throws IOException, InterruptedException {
    return send("GET", "/v1/campaigns/" + campaignId, null, key, 200);
  }

  HttpResponse<String> request(String method, String path, Object body) throws IOException, InterruptedException {
    return raw(method, path, body, key);
  }

  /** Polls the campaign's progress until {@code done} holds; fails after {@code timeout}. */
  JsonNode awaitProgress(String campaignId, Predicate<JsonNode> done, Duration timeout)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    JsonNode progress = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        progress = progress(campaignId);
        if (done.test(progress)) {
          return progress;
        }
      } catch (IOException e) {
        // the service may be restarting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("campaign " + campaignId + " did not get there within " + timeout + "; last: "
        + progress);
  }

  private JsonNode send(String method, String path, Object body, String bearer, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> response = raw(method, path, body, bearer);
    if (response.statusCode() != expected) {
      throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return json.readTree(response.body());
  }

  private HttpResponse<String> raw(String method, String path, Object body, String bearer)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + bearer);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
