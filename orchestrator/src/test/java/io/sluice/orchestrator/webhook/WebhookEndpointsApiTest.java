package io.sluice.orchestrator.webhook;

import static io.sluice.orchestrator.webhook.WebhookApi.count;
import static io.sluice.orchestrator.webhook.WebhookApi.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.EndpointConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Endpoints and event types through the API on PostgreSQL: the lifecycle, bad input, another workspace's data. */
class WebhookEndpointsApiTest {
  private static final String ENDPOINTS = "/v1/webhooks/endpoints";
  private static final String URL = "http://127.0.0.1:9/hooks";
  private static WebhookApi<RecordingEndpointEntities> api;

  private final String workspace = WebhookApi.newWorkspace();

  @BeforeAll
  static void start() throws Exception {
    api = WebhookApi.recording("WebhookEndpointsApiTest", "sluice.webhooks.secret-bytes = 40");
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  private long endpointRows() throws Exception {
    return count("SELECT count(*) FROM webhook_endpoint WHERE workspace_id = ?", workspace);
  }

  @Test
  void anEndpointIsCreatedReadChangedRotatedPausedAndDeleted() throws Exception {
    api.expect(201, workspace, "POST", "/v1/webhooks/event-types", Map.of("name", "invoice.paid"));
    JsonNode created = api.expect(201, workspace, "POST", ENDPOINTS, Map.of("url", URL, "description", "billing",
        "eventTypes", List.of("invoice.paid", "lead.hot"), "ordering", "ordered", "maxConcurrency", 3,
        "rateLimit", 20));
    String id = created.path("id").asText();
    String secret = created.path("secret").asText();
    assertTrue(id.startsWith("ep_"), id);
    assertTrue(secret.startsWith("whsec_"), secret);
    assertEquals(40, java.util.Base64.getDecoder().decode(secret.substring("whsec_".length())).length);
    assertEquals("ordered", created.path("ordering").asText());
    assertEquals(List.of("invoice.paid", "lead.hot"), List.of(created.path("eventTypes").get(0).asText(),
        created.path("eventTypes").get(1).asText()));
    assertTrue(created.path("enabled").asBoolean());
    assertEquals(20, created.path("rateLimit").asInt());
    assertEquals(3, created.path("maxConcurrency").asInt());

    JsonNode read = api.expect(200, workspace, "GET", ENDPOINTS + "/" + id, null);
    assertFalse(read.has("secret"), read::toString);
    assertEquals("billing", read.path("description").asText());
    assertEquals(secret, api.expect(200, workspace, "GET", ENDPOINTS + "/" + id + "/secret", null)
        .path("secret").asText());

    String second = api.expect(201, workspace, "POST", ENDPOINTS, Map.of("url", URL)).path("id").asText();
    JsonNode page = api.expect(200, workspace, "GET", ENDPOINTS + "?limit=1", null);
    assertEquals(id, page.path("endpoints").get(0).path("id").asText());
    assertFalse(page.path("endpoints").get(0).has("secret"));
    JsonNode next = api.expect(200, workspace, "GET", ENDPOINTS + "?limit=1&cursor="
        + page.path("nextCursor").asText(), null);
    assertEquals(second, next.path("endpoints").get(0).path("id").asText());

    JsonNode patched = api.expect(200, workspace, "PATCH", ENDPOINTS + "/" + id, Map.of("url",
        "https://127.0.0.1:8443/v2", "eventTypes", List.of(), "enabled", false));
    assertEquals("https://127.0.0.1:8443/v2", patched.path("url").asText());
    assertEquals(0, patched.path("eventTypes").size());
    assertEquals("disabled through the API", patched.path("disabledReason").asText());
    assertEquals("billing", patched.path("description").asText(), "absent fields are kept");
    EndpointConfig told = api.entities.lastConfig();
    assertEquals(id, told.endpointId());
    assertFalse(told.enabled());
    assertEquals(DeliveryOrdering.ORDERED, told.ordering());
    assertEquals(List.of(secret), told.secrets());
    api.expect(200, workspace, "PATCH", ENDPOINTS + "/" + id, Map.of("enabled", true));
    assertTrue(api.entities.lastConfig().enabled());

    JsonNode rotated = api.expect(200, workspace, "POST", ENDPOINTS + "/" + id + "/secret/rotate", null);
    String newSecret = rotated.path("secret").asText();
    assertTrue(newSecret.startsWith("whsec_") && !newSecret.equals(secret));
    Instant overlapEnds = Instant.parse(rotated.path("previousSecretExpiresAt").asText());
    assertTrue(overlapEnds.isAfter(Instant.now().plus(api.settings.secretRotationOverlap()).minusSeconds(60)));
    assertEquals(List.of(newSecret, secret), api.entities.lastConfig().secrets(), "both sign during the overlap");
    assertEquals(List.of(newSecret, secret), api.ledger.endpoint(id).toCompletableFuture().get().orElseThrow()
        .secrets());

    assertTrue(api.expect(200, workspace, "POST", ENDPOINTS + "/" + id + "/pause", null).path("paused").asBoolean());
    assertTrue(api.entities.lastConfig().paused());
    assertFalse(api.expect(200, workspace, "POST", ENDPOINTS + "/" + id + "/resume", null).path("paused")
        .asBoolean());
    assertFalse(api.entities.lastConfig().paused());

    api.expect(204, workspace, "DELETE", ENDPOINTS + "/" + id, null);
    assertFalse(api.entities.lastConfig().enabled(), "the deleted endpoint's entity stops");
    api.expect(404, workspace, "GET", ENDPOINTS + "/" + id, null);
    assertEquals(java.util.Optional.empty(), api.ledger.endpoint(id).toCompletableFuture().get());
    assertEquals(1, endpointRows());
  }

  @Test
  void badEndpointInputIsRefusedNamingTheFieldAndStoresNothing() throws Exception {
    Map<String, Object> cases = new java.util.LinkedHashMap<>();
    cases.put("url", Map.of("url", "ftp://127.0.0.1/in"));
    cases.put("url ", Map.of("description", "no url"));
    cases.put("url  ", Map.of("url", "http://exa mple.com/"));
    cases.put("url   ", Map.of("url", "https://user:pw@127.0.0.1/in"));
    cases.put("eventTypes", Map.of("url", URL, "eventTypes", List.of("never.registered")));
    cases.put("eventTypes[0]", Map.of("url", URL, "eventTypes", List.of("Not A Type")));
    cases.put("maxConcurrency", Map.of("url", URL, "maxConcurrency", api.settings.maxConcurrencyCeiling() + 1));
    cases.put("maxConcurrency ", Map.of("url", URL, "maxConcurrency", 0));
    cases.put("rateLimit", Map.of("url", URL, "rateLimit", "fast"));
    cases.put("ordering", Map.of("url", URL, "ordering", "random"));
    cases.put("enabled", Map.of("url", URL, "enabled", "yes"));
    cases.put("secret", Map.of("url", URL, "secret", "whsec_mine"));
    cases.put("body", "{\"url\": ");
    cases.put("body ", "[1, 2]");
    for (Map.Entry<String, Object> refused : cases.entrySet()) {
      JsonNode problem = api.expect(400, workspace, "POST", ENDPOINTS, refused.getValue());
      assertTrue(names(problem, refused.getKey().strip()), () -> refused.getKey() + " not named: " + problem);
    }
    JsonNode ssrf = api.expect(400, workspace, "POST", ENDPOINTS, Map.of("url",
        "http://" + WebhookApi.REFUSED_HOST + "/latest/meta-data"));
    assertTrue(names(ssrf, "url"), ssrf::toString);
    assertTrue(ssrf.toString().contains(WebhookApi.REFUSAL), ssrf::toString);
    assertEquals(0, endpointRows(), "nothing stored on a refusal");

    String id = api.expect(201, workspace, "POST", ENDPOINTS, Map.of("url", URL)).path("id").asText();
    int told = api.entities.reconfigured.size();
    assertTrue(names(api.expect(400, workspace, "PATCH", ENDPOINTS + "/" + id, Map.of("url",
        "http://" + WebhookApi.REFUSED_HOST + "/")), "url"));
    assertTrue(names(api.expect(400, workspace, "PATCH", ENDPOINTS + "/" + id, Map.of("eventTypes",
        List.of("never.registered"))), "eventTypes"));
    assertEquals(URL, api.expect(200, workspace, "GET", ENDPOINTS + "/" + id, null).path("url").asText());
    assertEquals(told, api.entities.reconfigured.size(), "a refused change tells no entity");

    assertTrue(names(api.expect(400, workspace, "GET", ENDPOINTS + "?limit=0", null), "limit"));
    assertTrue(names(api.expect(400, workspace, "GET", ENDPOINTS + "?limit=x", null), "limit"));
    assertTrue(names(api.expect(400, workspace, "GET", ENDPOINTS + "?cursor=msg_1", null), "cursor"));
  }

  @Test
  void anotherWorkspacesEndpointIsNotFound() throws Exception {
    String id = api.expect(201, workspace, "POST", ENDPOINTS, Map.of("url", URL)).path("id").asText();
    String stranger = WebhookApi.newWorkspace();
    for (String[] request : List.of(new String[] {"GET", ""}, new String[] {"DELETE", ""},
        new String[] {"GET", "/secret"}, new String[] {"POST", "/secret/rotate"}, new String[] {"POST", "/pause"},
        new String[] {"GET", "/deliveries"}, new String[] {"GET", "/stats"})) {
      JsonNode problem = api.expect(404, stranger, request[0], ENDPOINTS + "/" + id + request[1], null);
      assertEquals("no such endpoint", problem.path("error").asText());
    }
    api.expect(404, stranger, "PATCH", ENDPOINTS + "/" + id, Map.of("url", "http://127.0.0.1:1/"));
    api.expect(404, stranger, "POST", ENDPOINTS + "/" + id + "/replay", Map.of("since", "2026-01-01T00:00:00Z"));
    api.expect(404, workspace, "GET", ENDPOINTS + "/ep_not-an-id", null);
    assertEquals(0, api.expect(200, stranger, "GET", ENDPOINTS, null).path("endpoints").size());
    assertEquals(URL, api.expect(200, workspace, "GET", ENDPOINTS + "/" + id, null).path("url").asText());
    assertTrue(api.expect(200, workspace, "GET", ENDPOINTS + "/" + id, null).path("enabled").asBoolean());
  }

  @Test
  void eventTypesAreBuiltInOrTheWorkspacesOwn() throws Exception {
    JsonNode created = api.expect(201, workspace, "POST", "/v1/webhooks/event-types",
        Map.of("name", "order_item.shipped", "description", "an item left the warehouse"));
    assertEquals("order_item.shipped", created.path("name").asText());
    api.expect(409, workspace, "POST", "/v1/webhooks/event-types", Map.of("name", "order_item.shipped"));
    api.expect(409, workspace, "POST", "/v1/webhooks/event-types", Map.of("name", "lead.hot"));
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/webhooks/event-types", Map.of("name", "Bad..Name")),
        "name"));
    assertTrue(names(api.expect(400, workspace, "POST", "/v1/webhooks/event-types", Map.of()), "name"));
    JsonNode types = api.expect(200, workspace, "GET", "/v1/webhooks/event-types", null).path("eventTypes");
    assertEquals(6, types.size());
    assertEquals("order_item.shipped", types.get(5).path("name").asText());
    assertFalse(types.get(5).path("builtIn").asBoolean());
    assertTrue(types.get(0).path("builtIn").asBoolean());
    assertEquals(5, api.expect(200, WebhookApi.newWorkspace(), "GET", "/v1/webhooks/event-types", null)
        .path("eventTypes").size());
  }
}
