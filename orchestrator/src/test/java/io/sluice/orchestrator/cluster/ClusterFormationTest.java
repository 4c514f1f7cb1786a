package io.sluice.orchestrator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.Address;
import akka.actor.CoordinatedShutdown;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.SluiceSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM on 127.0.0.1 form one cluster through a seed node, as {@link ClusterNode} joins them; every
 * message between them is round-tripped through Akka serialization. A member downed through the cluster manager runs
 * coordinated shutdown and its actor system terminates while the others stay Up; a member that crashes (its system
 * gone without leaving) is downed by the Split Brain Resolver no sooner than {@code stable-after}.
 */
class ClusterFormationTest {
  private static final Duration FORMED = Duration.ofSeconds(30);

  /** The settings every node of one test's cluster shares: the first node is the seed. */
  private static String clusterOf(int seedPort, String downing) {
    return "sluice.cluster { seed-nodes = [\"127.0.0.1:" + seedPort + "\"], join-timeout = 30s, " + downing + " }";
  }

  private static TestNode node(int port, String cluster) {
    return TestNode.create(cluster + ", sluice.cluster.port = " + port);
  }

  private static void awaitAllUp(TestNode... nodes) throws Exception {
    for (TestNode node : nodes) {
      node.awaitUp();
    }
    for (TestNode node : nodes) {
      assertTrue(TestNode.within(FORMED, () -> node.seesAllUp(nodes)), node.address() + " sees " + node.members());
    }
  }

  @Test
  void theDefaultDowningSettingsAreAkkasOwn() {
    Config ours = SluiceSettings.from(ConfigFactory.load()).cluster().akkaConfig();
    Config akkas = ConfigFactory.defaultReference();
    assertEquals(akkas.getString("akka.cluster.split-brain-resolver.active-strategy"),
        ours.getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertEquals(akkas.getBoolean("akka.cluster.split-brain-resolver.keep-oldest.down-if-alone"),
        ours.getBoolean("akka.cluster.split-brain-resolver.keep-oldest.down-if-alone"));
    for (String key : List.of("akka.cluster.split-brain-resolver.stable-after",
        "akka.cluster.failure-detector.acceptable-heartbeat-pause")) {
      assertEquals(akkas.getDuration(key), ours.getDuration(key), key);
    }
    assertFalse(ours.hasPath("akka.cluster.split-brain-resolver.static-quorum.quorum-size"));
    assertFalse(ours.hasPath("akka.management.cluster.bootstrap"), "bootstrap keys only when it is on");
  }

  @Test
  void threeNodesJoinThroughTheSeedAndADownedMemberShutsDownWhileTheOthersStayUp() throws Exception {
    List<Integer> ports = TestNode.freePorts(3);
    String cluster = clusterOf(ports.get(0),
        "split-brain-resolver { active-strategy = static-quorum, static-quorum.quorum-size = 2 }");
    try (TestNode first = node(ports.get(0), cluster); TestNode second = node(ports.get(1), cluster);
        TestNode third = node(ports.get(2), cluster)) {
      awaitAllUp(first, second, third);

      for (TestNode node : List.of(first, second, third)) {
        Config settings = node.system.settings().config();
        assertEquals("static-quorum", settings.getString("akka.cluster.split-brain-resolver.active-strategy"));
        assertEquals(2, settings.getInt("akka.cluster.split-brain-resolver.static-quorum.quorum-size"));
        assertEquals("akka.cluster.sbr.SplitBrainResolverProvider",
            akka.cluster.Cluster.get(node.system.classicSystem()).settings().DowningProviderClassName());
        // The resolver itself runs on every node, under the cluster's core daemon.
        node.system.classicSystem().actorSelection("/system/cluster/core/daemon/downingProvider")
            .resolveOne(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }

      Address downed = Cluster.get(third.system).selfMember().address();
      Cluster.get(first.system).manager().tell(new Down(downed));

      third.system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(CoordinatedShutdown.clusterDowningReason(),
          CoordinatedShutdown.get(third.system).getShutdownReason().orElse(null));
      assertTrue(TestNode.within(FORMED, () -> first.seesAllUp(first, second) && second.seesAllUp(first, second)),
          "first sees " + first.members() + ", second sees " + second.members());
      assertFalse(first.terminated() || second.terminated());
    }
  }

  @Test
  void aCrashedMemberIsDownedByTheResolverAfterStableAfter() throws Exception {
    Duration stableAfter = Duration.ofSeconds(3);
    List<Integer> ports = TestNode.freePorts(3);
    String cluster = clusterOf(ports.get(0), "split-brain-resolver.stable-after = " + stableAfter.toSeconds() + "s,"
        + " failure-detector.acceptable-heartbeat-pause = 2s");
    try (TestNode first = node(ports.get(0), cluster); TestNode second = node(ports.get(1), cluster);
        TestNode crashing = TestNode.create(cluster + ", sluice.cluster.port = " + ports.get(2)
            // Terminated without coordinated shutdown: the node vanishes without leaving, as a crashed one does.
            + ", akka.coordinated-shutdown.run-by-actor-system-terminate = off")) {
      awaitAllUp(first, second, crashing);
      String crashed = crashing.address();

      crashing.system.terminate();
      crashing.system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      long crashedAt = System.nanoTime();
      assertTrue(TestNode.within(Duration.ofSeconds(40), () -> !first.members().containsKey(crashed)
              && !second.members().containsKey(crashed)),
          "the crashed member is still listed: first sees " + first.members() + ", second " + second.members());
      Duration removedAfter = Duration.ofNanos(System.nanoTime() - crashedAt);

      assertTrue(removedAfter.compareTo(stableAfter) >= 0, "removed " + removedAfter + " after the crash, before"
          + " the resolver's stable-after " + stableAfter + " could have passed");
      assertTrue(first.seesAllUp(first, second) && second.seesAllUp(first, second),
          "first sees " + first.members() + ", second sees " + second.members());
      assertFalse(first.terminated() || second.terminated());
    }
  }

  @Test
  void aNodeThatReachesNoSeedFailsAfterTheJoinTimeoutNamingTheSeedsAndTheSetting() throws Exception {
    List<Integer> ports = TestNode.freePorts(2);
    // Nothing listens at the seed's port.
    try (TestNode lonely = TestNode.create("sluice.cluster { port = " + ports.get(0) + ", join-timeout = 2s,"
        + " seed-nodes = [\"127.0.0.1:" + ports.get(1) + "\"] }")) {
      long start = System.nanoTime();
      ClusterJoinException refused = assertThrows(ClusterJoinException.class, lonely::awaitUp);
      assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) >= 0);
      assertEquals("this node (akka://" + TestNode.SYSTEM_NAME + "@127.0.0.1:" + ports.get(0) + ") did not become"
          + " an Up member within sluice.cluster.join-timeout (2 s) through the seed nodes [127.0.0.1:" + ports.get(1)
          + "] (sluice.cluster.seed-nodes): check that one of them runs, is reachable at that address and port, and"
          + " that its actor system is also named '" + TestNode.SYSTEM_NAME + "'", refused.getMessage());
    }
  }
}
