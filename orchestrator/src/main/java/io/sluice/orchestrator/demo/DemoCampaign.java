package io.sluice.orchestrator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Drives the demo campaign through the service's own HTTP API, the way a user would: creates a campaign of a few
 * dozen leads in the countries where it is daytime now, starts it, prints a progress line every two seconds until it
 * completes, then prints where the summary email was written.
 */
public final class DemoCampaign {
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final Duration GIVE_UP = Duration.ofMinutes(5);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json;
  private final URI api;
  private final String apiKey;
  private final Path outbox;
  private final PrintStream out;

  public DemoCampaign(ObjectMapper json, URI api, String apiKey, Path outbox, PrintStream out) {
    this.json = json;
    this.api = api;
    this.apiKey = apiKey;
    this.outbox = outbox;
    this.out = out;
  }

  /** Runs the demo to completion; returns the summary email's path, when one was written. */
  public Optional<Path> run() throws IOException, InterruptedException {
    List<DemoLeads.DemoLead> leads = new DemoLeads().pick(Instant.now(), 4, 36);
    if (leads.isEmpty()) {
      out.println("demo: it is night in every demo country right now; no lead may be called, nothing to show");
      return Optional.empty();
    }
    Map<String, Object> body = Map.of(
        "name", "Demo renewals",
        "owner", Map.of("userId", "demo-user", "email", "demo-owner@example.com"),
        "leads", leads.stream().map(DemoLeads::asJson).toList(),
        "windows", List.of(Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"),
            "start", "08:00", "end", "21:00")),
        "maxConcurrentCalls", 8,
        "hotThreshold", 70,
        "retryPolicy", Map.of(
            "NO_ANSWER", Map.of("maxAttempts", 2, "delay", "PT5S"),
            "BUSY", Map.of("maxAttempts", 2, "delay", "PT5S"),
            "VOICEMAIL", Map.of("maxAttempts", 2, "delay", "PT5S"),
            "FAILED", Map.of("maxAttempts", 2, "delay", "PT5S")));
    JsonNode created = send("POST", "/v1/campaigns", body, 201);
    String id = created.path("campaignId").asText();
    out.printf("demo: campaign %s created with %d leads in %s%n", id, leads.size(),
        leads.stream().map(DemoLeads.DemoLead::region).distinct().toList());
    send("POST", "/v1/campaigns/" + id + "/start", Map.of(), 200);
    Instant deadline = Instant.now().plus(GIVE_UP);
    JsonNode progress = send("GET", "/v1/campaigns/" + id, null, 200);
    while (!"COMPLETED".equals(progress.path("status").asText()) && Instant.now().isBefore(deadline)) {
      out.println("demo: " + describe(progress));
      Thread.sleep(POLL.toMillis());
      progress = send("GET", "/v1/campaigns/" + id, null, 200);
    }
    out.println("demo: " + describe(progress));
    if (!"COMPLETED".equals(progress.path("status").asText())) {
      out.println("demo: the campaign did not complete within " + GIVE_UP.toMinutes() + " minutes");
      return Optional.empty();
    }
    Optional<Path> email = awaitEmail(id, Instant.now().plusSeconds(30));
    out.println(email.map(path -> "demo: summary email written to " + path.toAbsolutePath().normalize())
        .orElse("demo: no summary email appeared in " + outbox.toAbsolutePath().normalize()
            + " (see /health, section email)"));
    return email;
  }

  private String describe(JsonNode progress) {
    return String.format("%s, %d/%d leads final, %d calls in flight, %d hot, outcomes %s",
        progress.path("status").asText(), progress.path("finalCount").asLong(), progress.path("leadCount").asLong(),
        progress.path("inFlight").asInt(), progress.path("hotCount").asLong(), progress.path("outcomes"));
  }

  private Optional<Path> awaitEmail(String campaignId, Instant deadline) throws IOException, InterruptedException {
    while (Instant.now().isBefore(deadline)) {
      if (Files.isDirectory(outbox)) {
        try (Stream<Path> files = Files.list(outbox)) {
          Optional<Path> found = files.filter(path -> path.getFileName().toString().contains(campaignId))
              .filter(path -> path.getFileName().toString().endsWith(".eml")).findFirst();
          if (found.isPresent()) {
            return found;
          }
        }
      }
      Thread.sleep(500);
    }
    return Optional.empty();
  }

  private JsonNode send(String method, String path, Object body, int expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + apiKey);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return json.readTree(response.body());
  }
}
