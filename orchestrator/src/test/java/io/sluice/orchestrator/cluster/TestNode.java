package io.sluice.orchestrator.cluster;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.config.ClusterWideSettings;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.persistence.journal.JournalPool;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One cluster node as Sluice creates it ({@link ClusterNode#create}, its journal pool on the test PostgreSQL), without
 * the service's actors: for tests of how nodes form a cluster, are downed and report readiness. Every node's settings
 * come from {@code sluice.*} overrides, read and validated as the service reads them.
 */
final class TestNode implements AutoCloseable {
  /** Every test node's actor system is named so: nodes of one cluster must share the name. */
  static final String SYSTEM_NAME = "formation";

  final SluiceSettings settings;
  final ActorSystem<Void> system;

  private TestNode(SluiceSettings settings, ActorSystem<Void> system) {
    this.settings = settings;
    this.system = system;
  }

  /**
   * Creates (does not join) a node with {@code overrides} (HOCON) over the test database, the test class path's
   * configuration and {@code akka.actor.serialize-messages = on}, so that every message between nodes is also
   * round-tripped through its serializer.
   */
  static TestNode create(String overrides) {
    return create(SYSTEM_NAME, overrides);
  }

  /** {@link #create(String)} with another actor system name: {@code "sluice"} for a node a service process joins. */
  static TestNode create(String systemName, String overrides) {
    Config config = ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseMap(Map.of(
            "sluice.database.url", TestDatabase.URL,
            "sluice.database.user", TestDatabase.USER,
            "sluice.database.password", TestDatabase.PASSWORD,
            "sluice.pools.journal.application-name", "sluice-formation-" + UUID.randomUUID().toString().substring(0, 8),
            "akka.actor.serialize-messages", "on")))
        .withFallback(ConfigFactory.load());
    SluiceSettings settings = SluiceSettings.from(config);
    JournalPool pool = JournalPool.open(settings.database(), settings.journalPool());
    try {
      return new TestNode(settings, ClusterNode.create(Behaviors.empty(), systemName, config, settings.cluster(),
          settings.management(), ClusterWideSettings.of(settings,
              ClusterBudgetSettings.from(config, settings.dbPool(), settings.cluster())), pool));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** Ports free at the moment of asking, all different. */
  static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /** Joins as the settings say and waits until Up (or fails after {@code sluice.cluster.join-timeout}). */
  TestNode awaitUp() throws Exception {
    ClusterNode.awaitUp(system, settings.cluster());
    return this;
  }

  String address() {
    return Cluster.get(system).selfMember().address().toString();
  }

  /** This node's view of the members' statuses, by address. */
  Map<String, MemberStatus> members() {
    Map<String, MemberStatus> members = new java.util.TreeMap<>();
    for (Member member : Cluster.get(system).state().getMembers()) {
      members.put(member.address().toString(), member.status());
    }
    return members;
  }

  /** Whether this node sees exactly {@code nodes} as its members, all Up. */
  boolean seesAllUp(TestNode... nodes) {
    Map<String, MemberStatus> members = members();
    if (members.size() != nodes.length) {
      return false;
    }
    for (TestNode node : nodes) {
      if (members.get(node.address()) != MemberStatus.up()) {
        return false;
      }
    }
    return true;
  }

  boolean terminated() {
    return system.whenTerminated().isCompleted();
  }

  /** A condition a test waits for; it may ask over HTTP. */
  interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code condition} every 100 ms; false if it did not hold within {@code timeout}. */
  static boolean within(Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  /** Runs coordinated shutdown (the node leaves) and waits for the system to terminate. */
  @Override
  public void close() throws Exception {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
