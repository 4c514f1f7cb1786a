package io.sluice.orchestrator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.Address;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import com.typesafe.config.Config;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.it.ServiceProcess;
import io.sluice.persistence.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The service process ({@code Main}, a separate JVM) joins a service running in the test's JVM through
 * {@code SLUICE_CLUSTER_SEED_NODES}; downed through the cluster manager, it runs coordinated shutdown and its JVM exits
 * with Akka's exit code for a downed node, -1 (255), while the seed stays Up and ready.
 */
class DownedServiceExitTest {
  private static final String ADMIN_KEY = "downed-exit-test-admin-key-0123456789ab";
  private static final int DOWNED_EXIT_CODE = 255;

  /** Under target/, not a temporary folder: the process's log stays for a failure's diagnosis. */
  private final Path data = Path.of("target", "downed-exit-test-" + UUID.randomUUID());

  @Test
  void aDownedServiceProcessExitsWithTheDownedExitCode() throws Exception {
    String name = "sluice-downed-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> ports = TestNode.freePorts(3);
    // Its own seed, as the process's: a node alone (no seeds) would refuse a node that shares the connection budget.
    Config seedConfig = ClusteredServiceTest.config(name, ports.get(0), List.of(ports.get(0)), ports.get(1));
    Migrations.run(SluiceSettings.from(seedConfig).database());
    TestDatabase.retireLeftoverWork();
    Sluice seed = Sluice.start(seedConfig);
    try {
      Files.createDirectories(data);
      Map<String, String> env = ServiceProcess.baseEnvironment(ports.get(2), ADMIN_KEY, data);
      env.put("SLUICE_CLUSTER_SEED_NODES", "127.0.0.1:" + ports.get(0));
      env.put("SLUICE_DB_POOL_APPLICATION_NAME", name + "-process");
      try (ServiceProcess process = ServiceProcess.start(env, data.resolve("service.log"), Duration.ofSeconds(120))) {
        Cluster cluster = Cluster.get(seed.system());
        Address self = cluster.selfMember().address();
        assertTrue(TestNode.within(Duration.ofSeconds(30), () -> otherUpMember(cluster, self).isPresent()),
            "the process never became an Up member; see " + process.log());
        Address processAddress = otherUpMember(cluster, self).orElseThrow();

        cluster.manager().tell(new Down(processAddress));

        OptionalInt exit = process.awaitExit(Duration.ofSeconds(60));
        assertTrue(exit.isPresent(), "still running after it was downed; see " + process.log());
        assertEquals(DOWNED_EXIT_CODE, exit.getAsInt(), "exit code; see " + process.log());
        assertTrue(Files.readString(process.log()).contains("Running CoordinatedShutdown with reason"
            + " [ClusterDowningReason]"), "see " + process.log());
        assertTrue(TestNode.within(Duration.ofSeconds(30), () -> cluster.state().members().size() == 1
            && cluster.selfMember().status() == MemberStatus.up()), "the seed after the downing: " + cluster.state());
        assertEquals(200, ClusteredServiceTest.get(seed.httpAddress().getPort(), "/health/ready").statusCode());
      }
    } finally {
      seed.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Optional<Address> otherUpMember(Cluster cluster, Address self) {
    for (Member member : cluster.state().getMembers()) {
      if (!member.address().equals(self) && member.status() == MemberStatus.up()) {
        return Optional.of(member.address());
      }
    }
    return Optional.empty();
  }
}
