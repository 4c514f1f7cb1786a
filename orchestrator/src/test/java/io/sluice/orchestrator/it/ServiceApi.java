package io.sluice.orchestrator.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The running service's HTTP API as a client sees it, over real HTTP, in a workspace of its own: what the
 * end-to-end tests drive the service with. Bodies are written as JSON from maps and lists.
 */
public class ServiceApi {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final URI base;
  private String key;

  public ServiceApi(int port) {
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  /** Creates a workspace of its own with the admin key and uses its first API key from then on. */
  public ServiceApi inNewWorkspace(String adminKey) throws IOException, InterruptedException {
    JsonNode workspace = send("POST", "/v1/admin/workspaces", Map.of("name", "test-" + UUID.randomUUID()), adminKey,
        201);
    key = send("POST", "/v1/admin/workspaces/" + workspace.path("id").asText() + "/keys", Map.of(), adminKey, 201)
        .path("key").asText();
    return this;
  }

  /** Uses the workspace and key of {@code other} (another node of the same cluster, say). */
  public ServiceApi sameWorkspaceAs(ServiceApi other) {
    key = other.key;
    return this;
  }

  /** A request with the workspace's key that must answer {@code expected}; its JSON body. */
  public JsonNode send(String method, String path, Object body, int expected) throws IOException, InterruptedException {
    return send(method, path, body, key, expected);
  }

  /** A request with the workspace's key, whatever it answers. */
  public HttpResponse<String> request(String method, String path, Object body)
      throws IOException, InterruptedException {
    return raw(method, path, body, key);
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
