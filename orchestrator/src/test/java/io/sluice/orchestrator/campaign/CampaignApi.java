package io.sluice.orchestrator.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.orchestrator.demo.DemoLeads;
import io.sluice.orchestrator.it.ServiceApi;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The campaign API as a client sees it, over real HTTP: what the campaign tests drive the service with. */
final class CampaignApi extends ServiceApi {

  CampaignApi(int port) {
    super(port);
  }

  @Override
  public CampaignApi inNewWorkspace(String adminKey) throws IOException, InterruptedException {
    super.inNewWorkspace(adminKey);
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
    return send("POST", "/v1/campaigns", campaign, 201);
  }

  JsonNode start(String campaignId) throws IOException, InterruptedException {
    return send("POST", "/v1/campaigns/" + campaignId + "/start", Map.of(), 200);
  }

  JsonNode progress(String campaignId) throws IOException, InterruptedException {
    return send("GET", "/v1/campaigns/" + campaignId, null, 200);
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
}
