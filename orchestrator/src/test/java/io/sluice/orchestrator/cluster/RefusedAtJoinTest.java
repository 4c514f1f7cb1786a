package io.sluice.orchestrator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import akka.cluster.MemberStatus;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.config.ClusterWideSettings;
import io.sluice.orchestrator.it.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A node whose settings differ from its cluster's in one that every node must share is refused at join by Akka's
 * configuration compatibility check running {@link ClusterWideSettingsCheck}: it never becomes a member, its join
 * fails at once (not after the join timeout) listing its own values, and its actor system shuts down with Akka's
 * {@code IncompatibleConfigurationDetectedReason}; the member that refused it logs the setting and both values. A node
 * with the same settings joins. The service process ({@code Main}) refused so exits with code 1.
 */
class RefusedAtJoinTest {
  /** Far below the join timeout the nodes are given (30 s, 60 s for the process): a refusal does not wait for it. */
  private static final Duration PROMPTLY = Duration.ofSeconds(15);

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  /** Under target/, not a temporary folder: the process's log stays for a failure's diagnosis. */
  private final Path data = Path.of("target", "refused-at-join-test-" + UUID.randomUUID());

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  private boolean logged(String text) {
    synchronized (logs) {
      return logs.list.stream().anyMatch(event -> event.getFormattedMessage().contains(text));
    }
  }

  /** A node of a cluster whose seed listens at {@code seedPort}, itself at {@code port}. */
  private static String node(int seedPort, int port, int maxConnections) {
    return "sluice.cluster { seed-nodes = [\"127.0.0.1:" + seedPort + "\"], port = " + port + ", join-timeout = 30s },"
        + " sluice.database.max-connections = " + maxConnections;
  }

  @Test
  void aNodeWithAnotherBudgetIsRefusedAtJoinAndOneWithTheSameJoins() throws Exception {
    List<Integer> ports = TestNode.freePorts(3);
    try (TestNode first = TestNode.create(node(ports.get(0), ports.get(0), 30)).awaitUp()) {
      assertEquals(30, first.system.settings().config().getInt(ClusterWideSettings.PATH + ".max-connections"),
          "the actor system carries the values it is compared by");

      try (TestNode refused = TestNode.create(node(ports.get(0), ports.get(1), 20))) {
        String address = refused.address();
        long start = System.nanoTime();
        ClusterJoinException refusal = assertThrows(ClusterJoinException.class, refused::awaitUp);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(PROMPTLY) < 0, "refused after " + took);
        assertTrue(refusal.getMessage().startsWith("this node (" + address + ") was refused at join through the seed"
            + " nodes [127.0.0.1:" + ports.get(0) + "] (sluice.cluster.seed-nodes): a setting that every node of a"
            + " cluster must share differs from the cluster's"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("This node has sluice.database.url (without its parameters) = "
            + refused.settings.database().location() + ", sluice.database.max-connections = 20, "),
            refusal.getMessage());
        refused.system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(CoordinatedShutdown.incompatibleConfigurationDetectedReason(),
            CoordinatedShutdown.get(refused.system).getShutdownReason().orElse(null));
        assertTrue(TestNode.within(Duration.ofSeconds(5), () -> logged("Found incompatible settings when [" + address
            + "] tried to join: sluice.database.max-connections must be the same on every node: the other node has"
            + " 20, this node has 30.")), "the member's warning");
        assertEquals(Map.of(first.address(), MemberStatus.up()), first.members(), "the refused node never joined");
      }

      try (TestNode second = TestNode.create(node(ports.get(0), ports.get(2), 30)).awaitUp()) {
        assertTrue(TestNode.within(Duration.ofSeconds(30), () -> first.seesAllUp(first, second)
            && second.seesAllUp(first, second)), "first sees " + first.members() + ", second " + second.members());
      }
    }
  }

  @Test
  void aServiceProcessRefusedAtJoinExitsWithCode1BeforeItsJoinTimeout() throws Exception {
    List<Integer> ports = TestNode.freePorts(2);
    // The service's actor system is named "sluice"; its cluster's must be too.
    try (TestNode seed = TestNode.create("sluice", node(ports.get(0), ports.get(0), 30)).awaitUp()) {
      Files.createDirectories(data);
      Map<String, String> env = ServiceProcess.baseEnvironment(ports.get(1), "refused-at-join-test-admin-key-0123",
          data);
      env.put("SLUICE_CLUSTER_SEED_NODES", "127.0.0.1:" + ports.get(0));
      env.put("SLUICE_CLUSTER_JOIN_TIMEOUT", "60s");
      env.put("SLUICE_DB_MAX_CONNECTIONS", "20");
      try (ServiceProcess process = ServiceProcess.launch(env, data.resolve("service.log"))) {
        OptionalInt exit = process.awaitExit(Duration.ofSeconds(45));

        assertTrue(exit.isPresent(), "still running, refused or not; see " + process.log());
        assertEquals(1, exit.getAsInt(), "exit code; see " + process.log());
        String log = Files.readString(process.log());
        assertTrue(log.contains("Running CoordinatedShutdown with reason [IncompatibleConfigurationDetectedReason]"),
            "see " + process.log());
        assertTrue(log.contains("Sluice could not start: io.sluice.orchestrator.cluster.ClusterJoinException: this"
            + " node (akka://sluice@127.0.0.1:"), "see " + process.log());
        assertTrue(log.contains("was refused at join through the seed nodes [127.0.0.1:" + ports.get(0) + "]"),
            "see " + process.log());
        assertTrue(log.contains("sluice.database.max-connections = 20"), "see " + process.log());
        assertTrue(logged("tried to join: sluice.database.max-connections must be the same on every node: the other"
            + " node has 20, this node has 30."), "the seed's warning");
        assertEquals(Map.of(seed.address(), MemberStatus.up()), seed.members(), "the process never joined");
      }
    }
  }
}
