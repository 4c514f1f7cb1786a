package io.sluice.orchestrator.budget;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.typed.Cluster;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.persistence.GovernedPool;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.protocols.budget.BudgetCommand;
import io.sluice.protocols.permit.PermitCommand;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * This node's part in the cluster's connection budget, as the service starts it: the coordinator singleton (or its
 * proxy) and the node's {@link NodeBudget} agent over the {@code db} pool and its supervisor, and over the journal
 * pool (counted as fixed, suspended while the node is on the minority side of a partition).
 */
public final class ClusterBudget {
  /** The reason a refused node gives coordinated shutdown. */
  private static final CoordinatedShutdown.Reason REFUSED = new CoordinatedShutdown.Reason() {
    @Override
    public String toString() {
      return "refused by the cluster's connection budget";
    }
  };

  private final ActorSystem<?> system;
  private final ActorRef<BudgetCommand> coordinator;
  private final String node;

  private ClusterBudget(ActorSystem<?> system, ActorRef<BudgetCommand> coordinator, String node) {
    this.system = system;
    this.coordinator = coordinator;
    this.node = node;
  }

  /**
   * Before the pool opens any connection: a node holds no more than its minimum share until the coordinator gives it
   * one.
   */
  public static void holdMinimum(GovernedPool pool, ClusterBudgetSettings settings) {
    pool.resize(settings.minShare());
  }

  /**
   * Starts the coordinator (or its proxy) and this node's agent; the node must be a member already.
   *
   * @param budget {@code sluice.database.max-connections}, the whole cluster's
   * @param maxShare the {@code db} pool's configured size
   * @param journalPool the node's connections outside its share: its size counts as fixed
   */
  public static ClusterBudget start(ActorSystem<?> system, ClusterBudgetSettings settings, int budget, int maxShare,
      ActorRef<PermitCommand> supervisor, GovernedPool pool, JournalPool journalPool) {
    String node = NodeIds.of(Cluster.get(system).selfMember().uniqueAddress());
    ActorRef<BudgetCommand> coordinator = BudgetCoordinator.init(system, settings, budget);
    NodeBudget.Terms terms = new NodeBudget.Terms(node, budget, journalPool.maxSize(), maxShare);
    system.systemActorOf(NodeBudget.create(settings, terms, coordinator, supervisor, pool, journalPool,
            () -> CoordinatedShutdown.get(system).runAll(REFUSED)),
        "node-budget", Props.empty());
    return new ClusterBudget(system, coordinator, node);
  }

  /** The coordinator's view of the whole cluster's budget. */
  private CompletionStage<BudgetCommand.BudgetView> view(Duration timeout) {
    return AskPattern.ask(coordinator, BudgetCommand.GetBudgetView::new, timeout, system.scheduler());
  }

  /**
   * The budget's entry in {@code /v1/pools}.
   *
   * @param node this node's id
   * @param view the coordinator's view; null when it did not answer (then {@code problem} says so)
   */
  public record PoolEntry(String pool, String node, BudgetCommand.BudgetView view, String problem) {}

  /** The budget's entry in {@code /v1/pools}; never fails (a silent coordinator is shown as such). */
  public CompletionStage<PoolEntry> poolEntry(Duration timeout) {
    return view(timeout).handle((view, failure) -> failure == null
        ? new PoolEntry("cluster-budget", node, view, null)
        : new PoolEntry("cluster-budget", node, null, "the budget coordinator did not answer within " + timeout));
  }
}
