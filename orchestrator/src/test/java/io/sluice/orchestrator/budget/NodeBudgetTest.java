package io.sluice.orchestrator.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.JournalPoolSettings;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.persistence.HikariGovernedPool;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.protocols.budget.BudgetCommand;
import io.sluice.protocols.budget.NodeBudgetCommand;
import io.sluice.protocols.permit.PermitCommand;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's budget agent in virtual time, against a coordinator played by a probe and a real pool (H2 in memory) under
 * a real supervisor: it registers, applies and confirms shares, reports its demand, falls back when the coordinator is
 * silent (only ever shrinking), registers again with what it holds, and shuts the node down when refused. Where the
 * node stands in its cluster is the test's to say: on the minority side the agent closes its {@code db} pool and
 * suspends its journal pool (a real one, H2 too; what a suspended pool does is JournalPoolTest's), keeps both closed
 * while the node is leaving (as a downed node's view of the cluster empties), and opens both again once it reaches a
 * majority.
 */
class NodeBudgetTest {
  private static final String NODE = "akka://sluice@127.0.0.1:25520#42";
  private static final ClusterBudgetSettings SETTINGS = new ClusterBudgetSettings(true, 2, 2, true,
      Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(50));

  private ActorTestKit kit;
  private ManualTime time;
  private HikariGovernedPool pool;
  private JournalPool journalPool;
  private final AtomicReference<NodeBudget.Reach> reach = new AtomicReference<>(NodeBudget.Reach.MAJORITY);
  private TestProbe<BudgetCommand> coordinator;
  private ActorRef<NodeBudgetCommand> agent;
  private final AtomicBoolean shutDown = new AtomicBoolean();

  @BeforeEach
  void start() {
    kit = ActorTestKit.create("NodeBudgetTest", ConfigFactory.parseString("akka.actor.provider = local")
        .withFallback(ManualTime.config()).withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
    PoolSettings settings = new PoolSettings("db", "sluice-test", 10, 10, 100, Duration.ofSeconds(5),
        Duration.ofSeconds(30), 1, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(250));
    pool = HikariGovernedPool.open(new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", 20, false), settings);
    ClusterBudget.holdMinimum(pool, SETTINGS);
    journalPool = JournalPool.open(new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", 20, false), new JournalPoolSettings("journal", "sluice-journal-test", 1, Duration.ofSeconds(30),
        Duration.ofSeconds(5)));
    ActorRef<PermitCommand> supervisor = kit.spawn(PoolSupervisor.create(settings, pool, LimitSettings.fixed(10),
        System::nanoTime));
    coordinator = kit.createTestProbe();
    agent = kit.spawn(NodeBudget.create(SETTINGS, new NodeBudget.Terms(NODE, 12, 1, 10), coordinator.getRef(),
        supervisor, pool, journalPool, () -> shutDown.set(true), system -> reach.get()));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    pool.close();
    journalPool.close();
  }

  private <T extends BudgetCommand> T expect(Class<T> type) {
    return coordinator.expectMessageClass(type, Duration.ofSeconds(3));
  }

  /** Advances one report tick and answers the message the agent sends the coordinator for it. */
  private BudgetCommand tick() {
    time.timePasses(SETTINGS.reportInterval());
    return coordinator.receiveMessage(Duration.ofSeconds(3));
  }

  @Test
  void registersHoldingItsMinimumThenAppliesConfirmsAndReportsItsShare() {
    BudgetCommand.Register register = expect(BudgetCommand.Register.class);
    assertEquals(NODE, register.node());
    assertEquals(12, register.budget());
    assertEquals(1, register.fixed());
    assertEquals(2, register.minShare());
    assertEquals(10, register.maxShare());
    assertEquals(0, register.applied(), "nothing assigned yet");
    assertEquals(2, pool.maxSize(), "the pool holds its minimum until a share arrives");

    agent.tell(new NodeBudgetCommand.ShareAssigned(1, 6, 3));
    BudgetCommand.ShareApplied grown = expect(BudgetCommand.ShareApplied.class);
    assertEquals(new BudgetCommand.ShareApplied(NODE, 1, 6), grown);
    assertEquals(6, pool.maxSize());

    BudgetCommand.DemandReport report = assertInstanceOf(BudgetCommand.DemandReport.class, tick());
    assertEquals(0, report.demand(), "an idle pool: nothing granted, nothing waiting");

    agent.tell(new NodeBudgetCommand.ShareAssigned(2, 4, 3));
    BudgetCommand.ShareApplied shrunk = expect(BudgetCommand.ShareApplied.class);
    assertEquals(new BudgetCommand.ShareApplied(NODE, 2, 4), shrunk, "an idle pool is within the smaller share");
    assertEquals(4, pool.maxSize());

    agent.tell(new NodeBudgetCommand.ShareAssigned(1, 9, 3));
    agent.tell(new NodeBudgetCommand.ShareAssigned(2, 4, 3));
    assertEquals(4, pool.maxSize(), "a stale or repeated assignment changes nothing");
    assertInstanceOf(BudgetCommand.DemandReport.class, tick());
  }

  @Test
  void aSilentCoordinatorMakesTheNodeFallBackOnlyShrinkingAndRegisterAgainWithWhatItHolds() {
    expect(BudgetCommand.Register.class);
    agent.tell(new NodeBudgetCommand.ShareAssigned(5, 8, 2));
    expect(BudgetCommand.ShareApplied.class);
    // Silence: after two ticks the node registers again (a new coordinator learns it that way) ...
    assertInstanceOf(BudgetCommand.DemandReport.class, tick());
    BudgetCommand.Register again = null;
    for (int i = 0; i < 3 && again == null; i++) {
      time.timePasses(SETTINGS.reportInterval());
      for (BudgetCommand message : coordinator.receiveSeveralMessages(2, Duration.ofSeconds(3))) {
        if (message instanceof BudgetCommand.Register register) {
          again = register;
        }
      }
    }
    assertTrue(again != null, "registered again");
    assertEquals(8, again.applied());
    assertEquals(5, again.epoch());
    // ... and after coordinator-timeout (3 s = 6 ticks) it falls back to 12 / 2 nodes - 1 journal = 5.
    time.timePasses(Duration.ofSeconds(3));
    awaitPoolSize(5);

    // A coordinator answers again: the node takes the share it is given.
    agent.tell(new NodeBudgetCommand.ShareAssigned(6, 7, 2));
    assertEquals(new BudgetCommand.ShareApplied(NODE, 6, 7), fishApplied());
    awaitPoolSize(7);
  }

  @Test
  void aFallbackNeverGrowsTheShare() {
    expect(BudgetCommand.Register.class);
    agent.tell(new NodeBudgetCommand.ShareAssigned(1, 3, 2));
    expect(BudgetCommand.ShareApplied.class);
    time.timePasses(Duration.ofSeconds(4));
    // Fallen back, so it only registers (no demand report) on a tick, yet keeps its 3: 12 / 2 - 1 = 5 is more.
    drain();
    time.timePasses(SETTINGS.reportInterval());
    assertInstanceOf(BudgetCommand.Register.class, coordinator.receiveMessage(Duration.ofSeconds(3)));
    coordinator.expectNoMessage(Duration.ofMillis(300));
    assertEquals(3, pool.maxSize());
  }

  @Test
  void onTheMinoritySideItClosesBothPoolsAndOpensThemAgainOnceItReachesAMajority() {
    expect(BudgetCommand.Register.class);
    agent.tell(new NodeBudgetCommand.ShareAssigned(1, 6, 2));
    expect(BudgetCommand.ShareApplied.class);
    assertFalse(journalPool.stats().suspended());

    reach.set(NodeBudget.Reach.MINORITY);
    time.timePasses(SETTINGS.reportInterval());
    awaitPoolSize(0);
    assertTrue(journalPool.stats().suspended(), "suspended at the same tick as the db pool closes");
    assertEquals("node " + NODE + " reaches no more than half of the cluster's members",
        journalPool.stats().suspendedReason());
    // Isolated: a share is ignored and no demand is reported.
    drain();
    agent.tell(new NodeBudgetCommand.ShareAssigned(2, 6, 2));
    time.timePasses(SETTINGS.reportInterval());
    coordinator.expectNoMessage(Duration.ofMillis(300));
    assertEquals(0, pool.maxSize());
    assertTrue(journalPool.stats().suspended());

    // Downed: its view of the cluster empties as it shuts down, which is no majority regained.
    reach.set(NodeBudget.Reach.LEAVING);
    time.timePasses(SETTINGS.reportInterval());
    drain();
    assertTrue(journalPool.stats().suspended(), "a leaving node never opens its journal pool again");
    assertEquals(0, pool.maxSize());

    reach.set(NodeBudget.Reach.MAJORITY);
    time.timePasses(SETTINGS.reportInterval());
    BudgetCommand.Register again = fishRegister();
    assertEquals(0, again.applied(), "it holds nothing");
    assertFalse(journalPool.stats().suspended(), "the journal pool is open again once a majority is reachable");
    assertNull(journalPool.stats().suspendedReason());
    agent.tell(new NodeBudgetCommand.ShareAssigned(3, 5, 2));
    assertEquals(new BudgetCommand.ShareApplied(NODE, 3, 5), fishApplied());
    awaitPoolSize(5);
  }

  @Test
  void aRefusedNodeShutsDown() {
    expect(BudgetCommand.Register.class);
    agent.tell(new NodeBudgetCommand.Refused("node x has sluice.database.max-connections 13 but the cluster's budget"
        + " is 12"));
    TestProbe<Object> watcher = kit.createTestProbe();
    watcher.expectTerminated(agent, Duration.ofSeconds(3));
    assertTrue(shutDown.get());
  }

  /** Takes what the agent has sent so far, once it has gone quiet. */
  private void drain() {
    while (true) {
      try {
        coordinator.receiveMessage(Duration.ofMillis(300));
      } catch (AssertionError quiet) {
        return;
      }
    }
  }

  private void awaitPoolSize(int size) {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (pool.maxSize() != size && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(size, pool.maxSize());
  }

  private BudgetCommand.Register fishRegister() {
    for (int i = 0; i < 10; i++) {
      BudgetCommand message = coordinator.receiveMessage(Duration.ofSeconds(3));
      if (message instanceof BudgetCommand.Register register) {
        return register;
      }
    }
    throw new AssertionError("no Register");
  }

  private BudgetCommand.ShareApplied fishApplied() {
    for (int i = 0; i < 10; i++) {
      BudgetCommand message = coordinator.receiveMessage(Duration.ofSeconds(3));
      if (message instanceof BudgetCommand.ShareApplied applied) {
        return applied;
      }
    }
    throw new AssertionError("no ShareApplied");
  }
}
