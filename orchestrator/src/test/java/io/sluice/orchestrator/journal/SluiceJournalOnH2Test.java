package io.sluice.orchestrator.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.Sluice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole service on embedded H2, as it runs on a bare machine: start-up migrates the journal's tables (V3, H2
 * flavour), a sharded entity persists, and a second start on the same database recovers it.
 */
class SluiceJournalOnH2Test {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Config onH2(String url) {
    return ConfigFactory.parseMap(Map.of(
            "sluice.database.url", url,
            "sluice.database.user", "sa",
            "sluice.database.password", "",
            "sluice.http.port", 0))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void persistsThroughTheServiceAndRecoversAfterARestart() throws Exception {
    String url = "jdbc:h2:mem:journal-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    String id = "h2-counter";

    Sluice first = Sluice.start(onH2(url));
    try {
      TestCounter.init(first.system());
      assertEquals(2, TestCounter.add(first.system(), id, 2));
      assertEquals(5, TestCounter.add(first.system(), id, 3));
      JsonNode pools = JSON.readTree(get(first, "/v1/pools"));
      assertEquals("db", pools.get(0).get("pool").asText(), "the governed pool's entry is unchanged and first");
      assertEquals("call-slots", pools.get(1).get("pool").asText(), "then the other supervisors'");
      JsonNode journal = pools.get(pools.size() - 1);
      assertEquals("journal", journal.get("pool").asText());
      assertEquals(4, journal.get("physical").get("maxSize").asInt());
      assertTrue(journal.get("borrows").asLong() >= 2, journal.toString());
      assertEquals(0, journal.get("borrowed").asInt());
      assertFalse(journal.get("suspended").asBoolean(), "a node alone is never on a minority side");
      assertTrue(journal.get("suspendedReason").isNull(), journal.toString());
      assertEquals(0, journal.get("refusedBorrows").asLong());
    } finally {
      first.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    Sluice second = Sluice.start(onH2(url));
    try {
      TestCounter.init(second.system());
      assertEquals(5, TestCounter.total(second.system(), id));
    } finally {
      second.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static String get(Sluice sluice, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + sluice.httpAddress().getPort() + path);
    HttpResponse<String> response = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }
}
