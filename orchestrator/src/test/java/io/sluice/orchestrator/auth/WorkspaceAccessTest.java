package io.sluice.orchestrator.auth;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.ApiKeySettings;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Workspace keys and the admin API over real HTTP on loopback, against the real PostgreSQL. A tiny test route,
 * {@code GET /v1/whoami}, answers the workspace its key belongs to.
 */
class WorkspaceAccessTest {
  private static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnop";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final PrintStream NO_BANNER = new PrintStream(PrintStream.nullOutputStream());

  private static ActorTestKit testKit;
  private static PostgresServices services;
  private static ListAppender<ILoggingEvent> logs;
  private static Level previousLevel;

  private ServerBinding binding;
  /** Every key this test saw, to check that none reached the log. */
  private final List<String> issuedKeys = new ArrayList<>();

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("WorkspaceAccessTest");
    services = new PostgresServices(testKit, "sluice-test-apikeys");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    Logger sluice = (Logger) LoggerFactory.getLogger("io.sluice");
    previousLevel = sluice.getLevel();
    sluice.setLevel(Level.DEBUG);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    ((Logger) LoggerFactory.getLogger("io.sluice")).setLevel(previousLevel);
    services.close();
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void emptyDatabase() throws Exception {
    PostgresServices.deleteWorkspaces();
  }

  @AfterEach
  void unbindAndCheckLogs() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    for (ILoggingEvent event : List.copyOf(logs.list)) {
      String logged = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      for (String key : issuedKeys) {
        assertFalse(logged.contains(secretOf(key)), "a key or its secret was logged: " + logged);
        assertFalse(logged.contains(ADMIN_KEY), "the admin key was logged: " + logged);
      }
    }
  }

  /** The part of {@code sk_<16 hex>_<secret>} after the prefix. */
  private static String secretOf(String key) {
    return key.substring("sk_".length() + 16 + 1);
  }

  private static ApiKeySettings settings(String adminKey) {
    return new ApiKeySettings(adminKey, Duration.ofMinutes(10), 100, false, Path.of("unused"));
  }

  /** Serves the admin routes and {@code GET /v1/whoami} behind {@code authenticated}; answers the base URI. */
  private String serve(WorkspaceAccess access) throws Exception {
    Route routes = concat(
        access.adminRoutes(),
        pathPrefix("v1", () -> access.authenticated(workspace ->
            path("whoami", () -> get(() -> complete(workspace.toString()))))));
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(routes)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  private String serve() throws Exception {
    return serve(new WorkspaceAccess(testKit.system(), services.database, settings(ADMIN_KEY), Clock.systemUTC(),
        NO_BANNER));
  }

  private static HttpResponse<String> send(String method, String uri, String bearer, String jsonBody)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        response.headers().toString());
    return JSON.readTree(response.body());
  }

  private static String createWorkspace(String base, String name) throws Exception {
    HttpResponse<String> created = send("POST", base + "/v1/admin/workspaces", ADMIN_KEY,
        "{\"name\":\"" + name + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    JsonNode body = json(created);
    assertEquals(name, body.get("name").asText());
    return body.get("id").asText();
  }

  /** Issues a key through the admin API; answers {keyId, key}. */
  private String[] issueKey(String base, String workspaceId) throws Exception {
    HttpResponse<String> issued = send("POST", base + "/v1/admin/workspaces/" + workspaceId + "/keys", ADMIN_KEY,
        null);
    assertEquals(201, issued.statusCode(), issued.body());
    assertEquals("no-store", issued.headers().firstValue("Cache-Control").orElse(""));
    JsonNode body = json(issued);
    assertEquals(workspaceId, body.get("workspaceId").asText());
    String key = body.get("key").asText();
    issuedKeys.add(key);
    return new String[] {body.get("keyId").asText(), key};
  }

  private static void assertUnauthorized(HttpResponse<String> response, String error) throws Exception {
    assertEquals(401, response.statusCode(), response.body());
    assertEquals("Bearer realm=\"sluice\"", response.headers().firstValue("WWW-Authenticate").orElse(""));
    assertEquals(JSON.readTree("{\"status\":401,\"error\":\"" + error + "\"}"), json(response));
  }

  @Test
  void aKeyIssuedByTheAdminShowsItsOwnWorkspaceOnly() throws Exception {
    String base = serve();
    String a = createWorkspace(base, "a");
    String b = createWorkspace(base, "b");
    String keyOfA = issueKey(base, a)[1];
    String keyOfB = issueKey(base, b)[1];

    HttpResponse<String> asA = send("GET", base + "/v1/whoami", keyOfA, null);
    assertEquals(200, asA.statusCode(), asA.body());
    assertEquals(a, asA.body());
    assertEquals(b, send("GET", base + "/v1/whoami", keyOfB, null).body());
    assertEquals(a, send("GET", base + "/v1/whoami", keyOfA, null).body(), "from the cache, still A");

    HttpResponse<String> list = send("GET", base + "/v1/admin/workspaces", ADMIN_KEY, null);
    assertEquals(200, list.statusCode(), list.body());
    JsonNode workspaces = json(list);
    assertEquals(2, workspaces.size());
    assertEquals(Set.of(a, b), Set.of(workspaces.get(0).get("id").asText(), workspaces.get(1).get("id").asText()));
  }

  @Test
  void missingMalformedUnknownAndWrongKeysAre401() throws Exception {
    String base = serve();
    String key = issueKey(base, createWorkspace(base, "acme"))[1];
    String unknownPrefix = "sk_" + "0".repeat(16) + "_" + secretOf(key);
    String wrongSecret = key.substring(0, key.length() - secretOf(key).length()) + "A".repeat(43);

    assertUnauthorized(send("GET", base + "/v1/whoami", null, null), "missing or invalid API key");
    assertUnauthorized(send("GET", base + "/v1/whoami", "not-a-key", null), "missing or invalid API key");
    assertUnauthorized(send("GET", base + "/v1/whoami", unknownPrefix, null), "missing or invalid API key");
    assertUnauthorized(send("GET", base + "/v1/whoami", wrongSecret, null), "missing or invalid API key");
    assertUnauthorized(send("GET", base + "/v1/whoami", ADMIN_KEY, null), "missing or invalid API key");
    HttpResponse<String> basic = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/whoami"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("x:" + key).getBytes()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertUnauthorized(basic, "missing or invalid API key");
    assertEquals(200, send("GET", base + "/v1/whoami", key, null).statusCode());
  }

  @Test
  void aVerifiedKeyIsCheckedFromMemoryUntilItIsRevoked() throws Exception {
    String base = serve();
    String[] issued = issueKey(base, createWorkspace(base, "acme"));
    String key = issued[1];
    long before = services.permitsAcquired();
    assertEquals(200, send("GET", base + "/v1/whoami", key, null).statusCode());
    assertEquals(before + 1, services.permitsAcquired(), "the first request looked the key up");
    assertEquals(200, send("GET", base + "/v1/whoami", key, null).statusCode());
    assertUnauthorized(send("GET", base + "/v1/whoami", key.substring(0, key.length() - 1)
        + (key.endsWith("A") ? "B" : "A"), null), "missing or invalid API key");
    assertEquals(before + 1, services.permitsAcquired(), "later requests, right or wrong, took no permit");

    HttpResponse<String> revoked = send("DELETE", base + "/v1/admin/keys/" + issued[0], ADMIN_KEY, null);
    assertEquals(204, revoked.statusCode(), revoked.body());
    assertUnauthorized(send("GET", base + "/v1/whoami", key, null), "missing or invalid API key");
    assertEquals(before + 3, services.permitsAcquired(), "revoked, then looked up again");
    assertEquals(204, send("DELETE", base + "/v1/admin/keys/" + issued[0], ADMIN_KEY, null).statusCode(),
        "revoking again changes nothing");
  }

  @Test
  void aKeyThatCannotBeCheckedIs503AndNotLetThrough() throws Exception {
    PostgresServices stopped = new PostgresServices(testKit, "sluice-test-apikeys-stopped");
    String base = serve(new WorkspaceAccess(testKit.system(), stopped.database, settings(ADMIN_KEY),
        Clock.systemUTC(), NO_BANNER));
    stopped.close();
    HttpResponse<String> response = send("GET", base + "/v1/whoami", "sk_0123456789abcdef_" + "A".repeat(43), null);
    assertEquals(503, response.statusCode(), response.body());
    assertEquals(503, json(response).get("status").asInt());
  }

  @Test
  void aWorkspaceListsItsKeysByPrefixWithoutSecrets() throws Exception {
    String base = serve();
    String workspace = createWorkspace(base, "acme");
    String[] revoked = issueKey(base, workspace);
    String[] active = issueKey(base, workspace);
    send("DELETE", base + "/v1/admin/keys/" + revoked[0], ADMIN_KEY, null);
    HttpResponse<String> listed = send("GET", base + "/v1/admin/workspaces/" + workspace + "/keys", ADMIN_KEY, null);
    assertEquals(200, listed.statusCode(), listed.body());
    JsonNode keys = json(listed);
    assertEquals(2, keys.size(), listed.body());
    for (JsonNode key : keys) {
      String[] issued = key.get("keyId").asText().equals(revoked[0]) ? revoked : active;
      assertTrue(issued[1].startsWith(key.get("prefix").asText()), key.toString());
      assertEquals(20, key.get("prefix").asText().length(), key.toString());
      assertEquals(issued == revoked, key.has("revokedAt"), key.toString());
      assertFalse(listed.body().contains(secretOf(issued[1])));
    }
    assertField(send("GET", base + "/v1/admin/workspaces/" + UUID.randomUUID() + "/keys", ADMIN_KEY, null), 404,
        "workspaceId");
  }

  @Test
  void theAdminApiWantsTheAdminKey() throws Exception {
    String base = serve();
    String key = issueKey(base, createWorkspace(base, "acme"))[1];
    String workspaces = base + "/v1/admin/workspaces";
    assertUnauthorized(send("GET", workspaces, null, null), "missing or invalid admin key");
    assertUnauthorized(send("GET", workspaces, ADMIN_KEY + "x", null), "missing or invalid admin key");
    assertUnauthorized(send("GET", workspaces, ADMIN_KEY.substring(1), null), "missing or invalid admin key");
    assertUnauthorized(send("POST", workspaces, key, "{\"name\":\"mine\"}"), "missing or invalid admin key");
    assertEquals(200, send("GET", workspaces, ADMIN_KEY, null).statusCode());
  }

  @Test
  void withoutAnAdminKeyTheAdminApiIsDisabled() throws Exception {
    String base = serve(new WorkspaceAccess(testKit.system(), services.database, settings(""), Clock.systemUTC(),
        NO_BANNER));
    HttpResponse<String> refused = send("POST", base + "/v1/admin/workspaces", "", "{\"name\":\"x\"}");
    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals(JSON.readTree("{\"status\":403,\"error\":\"" + ApiKeyAuthentication.ADMIN_DISABLED + "\"}"),
        json(refused));
    assertEquals(403, send("GET", base + "/v1/admin/workspaces", ADMIN_KEY, null).statusCode());
  }

  @Test
  void badInputIs400NamingTheFieldAndUnknownThingsAre404() throws Exception {
    String base = serve();
    String workspaces = base + "/v1/admin/workspaces";
    assertField(send("POST", workspaces, ADMIN_KEY, "{}"), 400, "name");
    assertField(send("POST", workspaces, ADMIN_KEY, "{\"name\":\"   \"}"), 400, "name");
    assertField(send("POST", workspaces, ADMIN_KEY, "{\"name\":{\"first\":\"x\"}}"), 400, "name");
    assertField(send("POST", workspaces, ADMIN_KEY, "{\"name\":\"" + "n".repeat(201) + "\"}"), 400, "name");
    assertField(send("POST", workspaces, ADMIN_KEY, "not json"), 400, "body");
    createWorkspace(base, "taken");
    assertField(send("POST", workspaces, ADMIN_KEY, "{\"name\":\" taken \"}"), 409, "name");
    assertField(send("POST", workspaces + "/" + UUID.randomUUID() + "/keys", ADMIN_KEY, null), 404, "workspaceId");
    assertField(send("POST", workspaces + "/not-a-uuid/keys", ADMIN_KEY, null), 400, "workspaceId");
    assertField(send("DELETE", base + "/v1/admin/keys/" + UUID.randomUUID(), ADMIN_KEY, null), 404, "keyId");
    assertField(send("DELETE", base + "/v1/admin/keys/1-2-3-4-5", ADMIN_KEY, null), 400, "keyId");
  }

  private static void assertField(HttpResponse<String> response, int status, String field) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode body = json(response);
    assertEquals(status, body.get("status").asInt());
    assertEquals(field, body.get("field").asText(), response.body());
    assertFalse(body.get("error").asText().isBlank());
  }

  @Test
  void theLogTellsWhatHappenedWithoutAnyKey() throws Exception {
    String base = serve();
    String[] issued = issueKey(base, createWorkspace(base, "acme"));
    String key = issued[1];
    send("GET", base + "/v1/whoami", key, null);
    send("GET", base + "/v1/whoami", key.substring(0, key.length() - 2) + "xx", null);
    send("DELETE", base + "/v1/admin/keys/" + issued[0], ADMIN_KEY, null);
    send("GET", base + "/v1/whoami", key, null);
    send("GET", base + "/v1/whoami", ADMIN_KEY, null);
    send("GET", base + "/v1/admin/workspaces", key, null);
    List<String> messages = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    // The appender sees this test's events, so the key check after each test looks at real output.
    assertTrue(messages.contains("API key issued: key=" + issued[0] + " workspace=" + json(send("GET",
        base + "/v1/admin/workspaces", ADMIN_KEY, null)).get(0).get("id").asText()), messages.toString());
    assertTrue(messages.contains("API key revoked: key=" + issued[0]), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("API key refused: wrong secret")), messages.toString());
    assertTrue(messages.contains("admin request refused: missing or wrong admin key"), messages.toString());
  }
}
