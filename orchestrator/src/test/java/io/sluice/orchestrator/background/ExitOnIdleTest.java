package io.sluice.orchestrator.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.idle.IdleExit;
import io.sluice.orchestrator.it.ServiceApi;
import io.sluice.orchestrator.it.ServiceProcess;
import io.sluice.persistence.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit-on-idle on the real PostgreSQL: after the last request the service stops on its own once the quiet period
 * passed with nothing in flight — in process, its actor system terminates with {@link IdleExit#REASON}; as a separate
 * JVM started by {@code Main} with {@code SLUICE_EXIT_ON_IDLE}, the process ends with exit code 0.
 */
class ExitOnIdleTest {
  private static final String ADMIN_KEY = "exit-on-idle-test-admin-key-0123456789abcd";
  private static final Duration QUIET = Duration.ofSeconds(2);
  /**
   * The separate JVM's: long enough that the test's first request (a new HTTP client, on a loaded machine) comes
   * within it after the start line, or the service would rightly be gone before it.
   */
  private static final Duration PROCESS_QUIET = Duration.ofSeconds(5);
  /** Quiet period, the busy check and coordinated shutdown (HTTP unbind, cluster leave, pools closed). */
  private static final Duration EXIT_BOUND = Duration.ofSeconds(20);

  @Test
  void theActorSystemTerminatesWithTheIdleReasonAfterTheLastRequest(@TempDir Path data) throws Exception {
    Config config = ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("sluice.serverless.exit-on-idle", QUIET.toSeconds() + "s"),
            Map.entry("sluice.database.url", TestDatabase.URL),
            Map.entry("sluice.database.user", TestDatabase.USER),
            Map.entry("sluice.database.password", TestDatabase.PASSWORD),
            Map.entry("sluice.http.port", "0"),
            Map.entry("sluice.cluster.port", "0"),
            Map.entry("sluice.http.admin-key", ADMIN_KEY),
            Map.entry("sluice.bootstrap.create-first-key", "false"),
            Map.entry("sluice.email.spool-dir", data.resolve("spool").toString()),
            Map.entry("sluice.email.outbox-dir", data.resolve("outbox").toString())))
        .withFallback(ConfigFactory.load());
    Migrations.run(SluiceSettings.from(config).database());
    TestDatabase.retireLeftoverWork();
    Sluice sluice = Sluice.start(config);
    try {
      ServiceApi api = new ServiceApi(sluice.httpAddress().getPort()).inNewWorkspace(ADMIN_KEY);
      // Requests keep it up: each restarts the quiet period.
      for (int i = 0; i < 4; i++) {
        api.send("GET", "/v1/campaigns", null, 200);
        Thread.sleep(QUIET.toMillis() / 2);
      }
      assertTrue(!sluice.system().whenTerminated().isCompleted(), "stopped while requests kept arriving");
      api.send("GET", "/v1/campaigns", null, 200);
      Instant lastRequest = Instant.now();

      sluice.system().getWhenTerminated().toCompletableFuture().get(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS);
      Duration after = Duration.between(lastRequest, Instant.now());
      assertTrue(after.compareTo(QUIET) >= 0, "stopped " + after + " after the last request, before the quiet period");
      assertEquals(IdleExit.REASON, CoordinatedShutdown.get(sluice.system()).getShutdownReason().orElse(null));
    } finally {
      sluice.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void mainExitsWithCodeZero(@TempDir Path data) throws Exception {
    Map<String, String> env = ServiceProcess.baseEnvironment(ServiceProcess.freePort(), ADMIN_KEY, data);
    env.put("SLUICE_EXIT_ON_IDLE", PROCESS_QUIET.toSeconds() + "s");
    try (ServiceProcess service = ServiceProcess.start(env, data.resolve("service.log"), Duration.ofSeconds(120))) {
      new ServiceApi(service.httpPort()).inNewWorkspace(ADMIN_KEY).send("GET", "/v1/campaigns", null, 200);
      Instant lastRequest = Instant.now();
      OptionalInt exit = service.awaitExit(EXIT_BOUND);
      Duration after = Duration.between(lastRequest, Instant.now());
      assertTrue(exit.isPresent(), "still running " + after + " after the last request; see " + service.log());
      assertEquals(0, exit.getAsInt(), "exit code; see " + service.log());
      assertTrue(after.compareTo(PROCESS_QUIET) >= 0, "exited " + after + " after the last request");
      assertTrue(Files.readString(service.log()).contains("shutting down (exit-on-idle)"), "see " + service.log());
    }
  }
}
