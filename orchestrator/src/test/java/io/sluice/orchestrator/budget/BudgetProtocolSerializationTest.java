package io.sluice.orchestrator.budget;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import com.typesafe.config.ConfigFactory;
import io.sluice.protocols.budget.BudgetCommand;
import io.sluice.protocols.budget.NodeBudgetCommand;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message between the nodes' budget agents and the coordinator survives Akka serialization unchanged. */
class BudgetProtocolSerializationTest {
  private static ActorTestKit testKit;
  private static SerializationTestKit serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("BudgetProtocolSerializationTest",
        ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void coordinatorCommandsRoundTrip() {
    String node = "akka://sluice@10.0.0.7:25520#-4471206523425417423";
    serialization.verifySerialization(new BudgetCommand.Register(node, 30, 4, 2, 10, 6, 12L,
        testKit.<NodeBudgetCommand>createTestProbe().ref()), true);
    serialization.verifySerialization(new BudgetCommand.DemandReport(node, 17), true);
    serialization.verifySerialization(new BudgetCommand.ShareApplied(node, 13L, 5), true);
    serialization.verifySerialization(new BudgetCommand.GetBudgetView(
        testKit.<BudgetCommand.BudgetView>createTestProbe().ref()), true);
    serialization.verifySerialization(new BudgetCommand.BudgetView(30, 26, List.of(
        new BudgetCommand.NodeView(node, 4, 17, 9, 11, 12)), 3L), true);
  }

  @Test
  void agentCommandsRoundTrip() {
    serialization.verifySerialization(new NodeBudgetCommand.ShareAssigned(14L, 9, 3), true);
    serialization.verifySerialization(new NodeBudgetCommand.Refused("the budget 30 cannot hold 4 nodes"), true);
  }
}
