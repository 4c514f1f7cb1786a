package io.sluice.orchestrator.webhook;

import static akka.http.javadsl.server.Directives.headerValueByName;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.PoolSettings;
import io.sluice.config.SluiceSettings;
import io.sluice.config.WebhookSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.http.HttpApi;
import io.sluice.orchestrator.pool.FixedLimit;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.Migrations;
import io.sluice.persistence.webhook.WebhookIds;
import io.sluice.protocols.permit.PermitCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The webhook API served over real HTTP on loopback, against the migrated test PostgreSQL through a governed pool and
 * the database facade, inside {@link HttpApi}'s JSON error handling as the service has it. Authentication is replaced
 * by a TEST-ONLY header, {@code X-Test-Workspace}, naming the workspace a request acts for (the service puts
 * {@code WorkspaceAccess.authenticated} there). The delivery entities are given: {@link RecordingEndpointEntities}
 * for the API's own tests ({@link #recording}), the real sharded ones for the delivery tests, with the guard and the
 * clock the entities use.
 *
 * <p>TEST FIXTURE SSRF guard of {@link #recording}: allows every host but {@link #REFUSED_HOST}, which it refuses as a
 * cloud-metadata address; the real guard is another component.
 */
final class WebhookApi<E extends EndpointEntities> implements AutoCloseable {
  static final String REFUSED_HOST = "metadata.internal";
  static final String REFUSAL = "metadata.internal resolves to 169.254.169.254, a cloud-metadata address";

  final ActorTestKit testKit;
  final ObjectMapper json;
  final WebhookSettings settings;
  final E entities;
  final Database database;
  final WebhookLedger ledger;
  final EventPublisher publisher;
  private final HikariGovernedPool pool;
  private final ActorRef<PermitCommand> supervisor;
  private final ServerBinding binding;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  /** The API over {@link RecordingEndpointEntities}, with the fixture guard and the system clock. */
  static WebhookApi<RecordingEndpointEntities> recording(String name, String webhookOverrides) throws Exception {
    DestinationGuard guard = url -> REFUSED_HOST.equals(url.getHost()) ? Optional.of(REFUSAL) : Optional.empty();
    return new WebhookApi<>(name, webhookOverrides, new RecordingEndpointEntities(), guard, Clock.systemUTC());
  }

  /**
   * @param entities what the publisher and the routes hand deliveries and changes to
   * @param guard checks an endpoint's URL when it is set
   * @param clock of the publisher, the ledger and the routes
   */
  WebhookApi(String name, String webhookOverrides, E entities, DestinationGuard guard, Clock clock)
      throws Exception {
    this.entities = entities;
    testKit = ActorTestKit.create(name);
    json = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-json", Optional.empty());
    settings = WebhookSettings.from(ConfigFactory.load(ConfigFactory.parseString(webhookOverrides)));
    DatabaseSettings postgres = new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, 4,
        true);
    Migrations.run(postgres);
    PoolSettings poolSettings = new PoolSettings("db", "sluice-test-" + name, 4, 4, 100, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 1, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5));
    pool = HikariGovernedPool.open(postgres, poolSettings);
    supervisor = testKit.spawn(PoolSupervisor.create(poolSettings, pool, new FixedLimit(4), Duration.ofSeconds(1),
        System::nanoTime));
    database = new Database(supervisor, pool,
        testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")),
        testKit.system(), poolSettings.defaultMaxWait());
    WebhookIds ids = new WebhookIds(clock);
    ledger = new WebhookLedger(database, settings, clock);
    publisher = new EventPublisher(database, entities, json, settings, ids, clock);
    WebhookRoutes routes = new WebhookRoutes(testKit.system(), json, database, publisher, entities, guard, settings,
        ids, testKit.system().dispatchers().lookup(DispatcherSelector.blocking()), clock);
    HttpApi api = new HttpApi(testKit.system(), SluiceSettings.from(ConfigFactory.load()), "test", List.of(supervisor),
        HttpApi.DEFAULT_STATS_TIMEOUT);
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0)
        .bind(api.routes(List.of(pathPrefix("v1", () -> headerValueByName("X-Test-Workspace", routes::routes)))))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
  }

  static String newWorkspace() {
    return UUID.randomUUID().toString();
  }

  /** Sends a request for the workspace; {@code body} is sent as is when a String, else as JSON. */
  HttpResponse<String> send(String workspace, String method, String path, Object body, String... headers)
      throws Exception {
    String text = body == null ? "" : body instanceof String raw ? raw : json.writeValueAsString(body);
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
        .header("X-Test-Workspace", workspace)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends and expects {@code status}; answers the JSON body (empty for 204). */
  JsonNode expect(int status, String workspace, String method, String path, Object body, String... headers)
      throws Exception {
    HttpResponse<String> response = send(workspace, method, path, body, headers);
    assertEquals(status, response.statusCode(), () -> method + " " + path + " answered " + response.body());
    return response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
  }

  /** A refused request's body names {@code field} among its errors. */
  static boolean names(JsonNode problem, String field) {
    for (JsonNode error : problem.path("errors")) {
      if (field.equals(error.path("field").asText())) {
        return true;
      }
    }
    return false;
  }

  static long count(String sql, String parameter) throws Exception {
    try (Connection observer = TestDatabase.observer(); PreparedStatement select = observer.prepareStatement(sql)) {
      select.setString(1, parameter);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** Permits granted so far: how many units of work reached the database. */
  long permitsAcquired() {
    akka.actor.testkit.typed.javadsl.TestProbe<io.sluice.protocols.permit.PoolStats> probe =
        testKit.createTestProbe();
    supervisor.tell(new io.sluice.protocols.permit.GetPoolStats(probe.getRef()));
    return probe.receiveMessage().counters().acquired();
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    testKit.stop(supervisor);
    pool.close();
    testKit.shutdownTestKit();
  }
}
