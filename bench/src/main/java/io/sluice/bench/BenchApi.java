package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The running service's HTTP API as a client sees it, for a runner's set-up calls (not its measured load). */
final class BenchApi {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final URI base;

  BenchApi(int port) {
    base = URI.create("http://127.0.0.1:" + port);
  }

  URI base() {
    return base;
  }

  /** A workspace of its own and an API key for it, created with the admin key; answers the key. */
  String workspaceKey(String adminKey, String name) throws IOException, InterruptedException {
    String workspace = send("POST", "/v1/admin/workspaces", "{\"name\":\"" + name + "\"}", adminKey, 201)
        .path("id").asText();
    return send("POST", "/v1/admin/workspaces/" + workspace + "/keys", "{}", adminKey, 201).path("key").asText();
  }

  JsonNode send(String method, String path, String body, String bearer, int expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + bearer)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return checked(http.send(request.build(), HttpResponse.BodyHandlers.ofString()), method + " " + path, expected);
  }

  /** Sends a prepared request and checks its status. */
  JsonNode send(HttpRequest request, String what, int expected) throws IOException, InterruptedException {
    return checked(http.send(request, HttpResponse.BodyHandlers.ofString()), what, expected);
  }

  private JsonNode checked(HttpResponse<String> response, String what, int expected) throws IOException {
    if (response.statusCode() != expected) {
      throw new IOException(what + " answered " + response.statusCode() + ": " + response.body());
    }
    return json.readTree(response.body());
  }
}
