package io.sluice.orchestrator.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.BootstrapSetup;
import akka.actor.CoordinatedShutdown;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.JournalPoolSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.TestDatabase;
import io.sluice.orchestrator.it.BackendSampler;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.journal.TestCounter;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.Migrations;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.persistence.journal.JournalPoolSetup;
import io.sluice.protocols.budget.BudgetCommand;
import io.sluice.protocols.permit.PermitCommand;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three cluster nodes in one JVM, each with a real {@code db} pool on PostgreSQL under its own permit supervisor and
 * budget agent, one budget coordinator among them. The backends of all three pools, counted in {@code
 * pg_stat_activity} every 100 ms by {@code application_name}, never exceed the cluster's budget while the load moves
 * from one node to all three and a node is downed; a busy node borrows what idle ones do not use and gives it back,
 * and a downed node's share goes to the others.
 *
 * <p>Each node also has a journal pool, as the service does (its entities persist through it). The test's budget
 * arithmetic leaves it out (fixed 0) and the sampler above does not count it: the partition test samples it apart.
 */
class ClusterBudgetOnPostgresTest {
  private static final int BUDGET = 12;
  private static final int MAX_SHARE = 10;
  private static final Duration REMOVAL_MARGIN = Duration.ofSeconds(3);
  /** Above the 0.6–1 s a fresh entity's first persist may take. */
  private static final Duration PERSIST_TIMEOUT = Duration.ofSeconds(3);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<Node> nodes = new ArrayList<>();
  private final ExecutorService requesters = Executors.newCachedThreadPool();
  private BackendSampler sampler;

  private record Node(ActorTestKit kit, HikariGovernedPool pool, JournalPool journalPool,
      ActorRef<PermitCommand> supervisor, Database database, ActorRef<BudgetCommand> coordinator,
      AtomicBoolean refused) {}

  private static ClusterBudgetSettings budgetSettings() {
    return new ClusterBudgetSettings(true, 2, 1, true, Duration.ofMillis(200), Duration.ofSeconds(2), REMOVAL_MARGIN,
        Duration.ofMillis(20));
  }

  private static DatabaseSettings databaseSettings() {
    return new DatabaseSettings(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD, 100, false);
  }

  /** The journal's tables, for the entities the partition test runs. */
  @BeforeAll
  static void migrate() {
    Migrations.run(databaseSettings());
  }

  private Node start(int index, int budget) {
    // Artery's test mode lets a test cut a node off (blackhole); the resolver decides 3 s after a node is unreachable.
    Config config = ConfigFactory.parseString("akka.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
        + "akka.remote.artery.canonical.port = 0\n"
        + "akka.remote.artery.advanced.test-mode = on\n"
        + "akka.cluster.split-brain-resolver.stable-after = 3s\n"
        + "akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s\n"
        + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
        // A node leaving after a peer was refused and shut down waits for the resolver to down that peer first.
        + "akka.actor.testkit.typed.system-shutdown-default = 30s").withFallback(ConfigFactory.load());
    // As the service does: the journal pool opens before the actor system and closes after it.
    JournalPool journalPool = JournalPool.open(databaseSettings(),
        new JournalPoolSettings("journal", journalName(index), 2, Duration.ofSeconds(30), Duration.ofSeconds(5)));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "budget",
        BootstrapSetup.create(config).and(JournalPoolSetup.of(journalPool)));
    system.classicSystem().registerOnTermination(journalPool::close);
    ActorTestKit kit = ActorTestKit.create(system);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(nodes.isEmpty() ? cluster.selfMember().address()
        : Cluster.get(nodes.get(0).kit().system()).selfMember().address()));
    PoolSettings poolSettings = new PoolSettings("db", "sluice-budget-" + run + "-" + index, MAX_SHARE, MAX_SHARE, 1000,
        Duration.ofSeconds(10), Duration.ofSeconds(30), 0, Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofSeconds(5));
    HikariGovernedPool pool = HikariGovernedPool.open(databaseSettings(), poolSettings);
    // As the service does: a downed node closes its pool as it shuts down.
    CoordinatedShutdown.get(kit.system()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-pool", () -> {
          pool.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    // As the service does: a node holds no more than its minimum share until the coordinator gives it one.
    pool.resize(budgetSettings().minShare());
    ActorRef<PermitCommand> supervisor = kit.spawn(PoolSupervisor.create(poolSettings, pool,
        LimitSettings.fixed(MAX_SHARE), System::nanoTime), "pool-db");
    Database database = new Database(supervisor, pool,
        kit.system().dispatchers().lookup(DispatcherSelector.fromConfig("sluice.jdbc-dispatcher")), kit.system(),
        poolSettings.defaultMaxWait());
    ActorRef<BudgetCommand> coordinator = BudgetCoordinator.init(kit.system(), budgetSettings(), BUDGET);
    AtomicBoolean refused = new AtomicBoolean();
    kit.spawn(NodeBudget.create(budgetSettings(), new NodeBudget.Terms(NodeIds.of(cluster.selfMember().uniqueAddress()),
        budget, 0, MAX_SHARE), coordinator, supervisor, pool, journalPool, () -> refused.set(true)), "node-budget");
    Node node = new Node(kit, pool, journalPool, supervisor, database, coordinator, refused);
    nodes.add(node);
    return node;
  }

  @BeforeEach
  void startSampler() {
    sampler = new BackendSampler("sluice-budget-" + run + "-");
  }

  /** What a node's journal connections report as {@code application_name}; outside the sampler's prefix. */
  private String journalName(int index) {
    return "sluice-journal-" + run + "-" + index;
  }

  @AfterEach
  void stopAll() throws Exception {
    sampler.close();
    requesters.shutdownNow();
    for (Node node : nodes) {
      node.kit().shutdownTestKit();
      node.pool().close();
    }
  }

  @Test
  void threeNodesStayWithinTheBudgetWhileLoadMovesAndANodeIsDowned() throws Exception {
    Node first = start(0, BUDGET);
    Node second = start(1, BUDGET);
    Node third = start(2, BUDGET);
    awaitTrue(Duration.ofSeconds(20), () -> upMembers(first) == 3, "three members up");
    // Idle: the minimum share plus headroom each, the rest free.
    awaitTrue(Duration.ofSeconds(10), () -> view(first).nodes().size() == 3, "three nodes registered");

    // Load on the first node only: it borrows above its entitlement (4 of 12 - the join reserve of 2).
    AtomicBoolean firstBusy = load(first, 20);
    awaitTrue(Duration.ofSeconds(10), () -> first.pool().maxSize() >= 6, "the busy node borrows");
    assertEquals(2, second.pool().maxSize(), "an idle node keeps its minimum");

    // Load everywhere: the lender takes its entitlement back, shrink first, grow after.
    AtomicBoolean othersBusy = load(second, 20);
    AtomicBoolean thirdBusy = load(third, 20);
    awaitTrue(Duration.ofSeconds(10), () -> second.pool().maxSize() >= 3 && third.pool().maxSize() >= 3
        && first.pool().maxSize() <= 4, "the shares converge to the entitlements");
    BudgetCommand.BudgetView settled = view(first);
    assertTrue(settled.committed() <= BUDGET, settled.toString());
    // Held for a while, so the sampler sees the shares in use: 4 + 3 + 3 backends.
    Thread.sleep(1_500);

    // The third node is downed. It shuts down (closing its pool, as the service does) and the leader removes it; its
    // share is the others' a removal margin later. (A live node being downed takes the failure detector's pause to
    // be removed; a crashed one is removed at the leader's next tick after the split brain resolver's decision.)
    thirdBusy.set(false);
    akka.actor.Address thirdAddress = Cluster.get(third.kit().system()).selfMember().address();
    Cluster.get(first.kit().system()).manager().tell(new Down(thirdAddress));
    awaitTrue(Duration.ofSeconds(20), () -> upMembers(first) == 2 && java.util.stream.StreamSupport.stream(
        Cluster.get(first.kit().system()).state().getMembers().spliterator(), false)
        .noneMatch(member -> member.address().equals(thirdAddress)), "the third node removed");
    long removedAt = System.nanoTime();
    awaitTrue(Duration.ofSeconds(10), () -> view(first).nodes().size() == 2, "the removed node leaves the budget");
    long reassignedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removedAt);
    awaitTrue(Duration.ofSeconds(10), () -> first.pool().maxSize() == 5 && second.pool().maxSize() == 5,
        "the two remaining nodes share (12 - reserve 2) / 2 each");
    assertTrue(reassignedMillis < REMOVAL_MARGIN.toMillis() + 1_500,
        "reassigned " + reassignedMillis + " ms after the removal");

    Thread.sleep(1_500);
    firstBusy.set(false);
    othersBusy.set(false);
    assertTrue(sampler.samples() > 20, "the sampler ran: " + sampler.samples());
    assertTrue(sampler.max() <= BUDGET, "the cluster held " + sampler.max() + " backends, budget " + BUDGET);
    assertTrue(sampler.max() >= 8, "the load used the budget: " + sampler.max());
  }

  @Test
  void aNodeWithAnotherBudgetIsRefusedAndMessagesFromUnknownNodesAreCounted() throws Exception {
    Node first = start(0, BUDGET);
    Node stranger = start(1, BUDGET + 1);
    awaitTrue(Duration.ofSeconds(20), () -> upMembers(first) == 2, "two members up");
    awaitTrue(Duration.ofSeconds(10), () -> stranger.refused().get(), "the node with another budget is refused");
    assertEquals(1, view(first).nodes().size());
    first.coordinator().tell(new BudgetCommand.DemandReport("akka://budget@127.0.0.1:1#1", 5));
    awaitTrue(Duration.ofSeconds(5), () -> view(first).ignored() >= 1, "the unknown node's report is counted");
  }

  /**
   * A partition: the third node cannot reach the other two nor they it. The third node sees itself in the minority,
   * closes its {@code db} pool and suspends its journal pool: its journal backends go to 0 while its entities keep
   * trying to persist, well before it shuts down. The split brain resolver (keep-majority) downs it on both sides, it
   * shuts down, and the majority gives its share to the two left. The cluster stays within the budget throughout.
   */
  @Test
  void aPartitionedMinorityClosesItsPoolsAndItsShareGoesToTheMajority() throws Exception {
    Node first = start(0, BUDGET);
    Node second = start(1, BUDGET);
    Node third = start(2, BUDGET);
    awaitTrue(Duration.ofSeconds(20), () -> upMembers(first) == 3 && upMembers(third) == 3, "three members up");
    awaitTrue(Duration.ofSeconds(10), () -> view(first).nodes().size() == 3, "three nodes registered");
    AtomicBoolean firstBusy = load(first, 20);
    AtomicBoolean secondBusy = load(second, 20);
    AtomicBoolean thirdBusy = load(third, 20);
    AtomicBoolean thirdPersisting = persist(third, 2);
    awaitTrue(Duration.ofSeconds(10), () -> third.pool().maxSize() >= 3, "the third node holds its entitlement");
    awaitTrue(Duration.ofSeconds(10), () -> third.journalPool().borrows() >= 20, "the third node's entities persist");
    assertTrue(TestDatabase.backends(journalName(2)) >= 1, "the third node's journal holds connections");

    akka.actor.Address thirdAddress = Cluster.get(third.kit().system()).selfMember().address();
    for (Node majority : List.of(first, second)) {
      blackhole(majority, thirdAddress);
      blackhole(third, Cluster.get(majority.kit().system()).selfMember().address());
    }
    awaitTrue(Duration.ofSeconds(20), () -> third.pool().maxSize() == 0, "the minority closes its db pool");
    awaitTrue(Duration.ofSeconds(2), () -> TestDatabase.backends(journalName(2)) == 0,
        "the minority's journal holds nothing");
    assertFalse(third.kit().system().whenTerminated().isCompleted(),
        "emptied by the isolation, not by the shutdown");
    try (BackendSampler isolatedJournal = new BackendSampler(journalName(2))) {
      awaitTrue(Duration.ofSeconds(5), () -> third.journalPool().stats().refusedBorrows() > 0,
          "the minority's entities try to persist and are refused");
      third.kit().system().getWhenTerminated().toCompletableFuture().get(45, TimeUnit.SECONDS);
      assertEquals(0, isolatedJournal.max(), "the minority's journal held nothing until it shut down");
    }
    assertTrue(third.journalPool().stats().suspended(),
        "a downed node's emptied view of the cluster is no majority: its journal pool was never opened again");
    thirdBusy.set(false);
    thirdPersisting.set(false);
    awaitTrue(Duration.ofSeconds(30), () -> view(first).nodes().size() == 2, "the minority leaves the budget");
    awaitTrue(Duration.ofSeconds(10), () -> first.pool().maxSize() == 5 && second.pool().maxSize() == 5,
        "the majority shares (12 - reserve 2) / 2 each");
    Thread.sleep(1_000);
    firstBusy.set(false);
    secondBusy.set(false);
    assertTrue(sampler.max() <= BUDGET, "the cluster held " + sampler.max() + " backends, budget " + BUDGET);
  }

  /** Drops everything between this node and {@code other}, both ways (Artery's test mode). */
  private static void blackhole(Node node, akka.actor.Address other) throws Exception {
    akka.remote.RARP remoting = (akka.remote.RARP) akka.remote.RARP$.MODULE$.apply(node.kit().system().classicSystem());
    scala.concurrent.Future<Object> done = remoting.provider().transport().managementCommand(
        new akka.remote.transport.ThrottlerTransportAdapter.SetThrottle(other,
            akka.remote.transport.ThrottlerTransportAdapter.bothDirection(),
            akka.remote.transport.ThrottlerTransportAdapter.blackholeThrottleMode()));
    scala.concurrent.Await.result(done, scala.concurrent.duration.Duration.create(5, TimeUnit.SECONDS));
  }

  private AtomicBoolean load(Node node, int loops) {
    AtomicBoolean busy = new AtomicBoolean(true);
    for (int i = 0; i < loops; i++) {
      requesters.submit(() -> {
        while (busy.get() && !Thread.currentThread().isInterrupted()) {
          try {
            node.database().withConnection(null, "budget-test", "sleep", connection -> {
              try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_sleep(0.02)");
              }
              return true;
            }).toCompletableFuture().get(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            // A revoked or refused permit under a shrinking share is retried; the sampler is the check.
          }
        }
      });
    }
    return busy;
  }

  /**
   * Keeps {@code writers} entities on the node persisting, one event at a time. A persist that fails stops its entity
   * (Akka's default); a fresh one takes its place, as a message would start it again under sharding.
   */
  private AtomicBoolean persist(Node node, int writers) {
    AtomicBoolean busy = new AtomicBoolean(true);
    for (int i = 0; i < writers; i++) {
      requesters.submit(() -> {
        ActorRef<TestCounter.Command> counter = null;
        while (busy.get() && !Thread.currentThread().isInterrupted()) {
          try {
            if (counter == null) {
              counter = node.kit().spawn(TestCounter.create("budget-" + run + "-" + UUID.randomUUID()));
            }
            ActorRef<TestCounter.Command> target = counter;
            AskPattern.<TestCounter.Command, Integer>ask(target, replyTo -> new TestCounter.Add(1, replyTo),
                PERSIST_TIMEOUT, node.kit().system().scheduler()).toCompletableFuture().get();
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            counter = null;
            try {
              Thread.sleep(50);
            } catch (InterruptedException interrupted) {
              return;
            }
          }
        }
      });
    }
    return busy;
  }

  private static int upMembers(Node node) {
    int up = 0;
    for (akka.cluster.Member member : Cluster.get(node.kit().system()).state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  private static BudgetCommand.BudgetView view(Node node) {
    TestProbe<BudgetCommand.BudgetView> probe = node.kit().createTestProbe();
    node.coordinator().tell(new BudgetCommand.GetBudgetView(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  private static void awaitTrue(Duration within, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
