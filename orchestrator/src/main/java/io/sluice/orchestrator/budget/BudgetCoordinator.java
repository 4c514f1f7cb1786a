package io.sluice.orchestrator.budget;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import akka.cluster.typed.Subscribe;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.protocols.budget.BudgetCommand;
import io.sluice.protocols.budget.NodeBudgetCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's budget coordinator: one per cluster (a Cluster Singleton), it divides {@code
 * sluice.database.max-connections} among the nodes' {@code db} pools with a {@link BudgetLedger} and tells each node's
 * {@link NodeBudget} agent its share.
 *
 * <p>Model. A node registers (its budget, journal pool, minimum and maximum share, and what it holds now), then reports
 * its demand every {@code report-interval}; each report is answered with the node's current share, so the node knows
 * the coordinator is alive. After every change — a registration, a report, a confirmed shrink, a removal — the ledger
 * rebalances and the nodes whose share changed are told. A node grows only into room that confirmed shrinks freed, so
 * the nodes together never hold more than the budget. A node removed from the cluster (it left, or the split brain
 * resolver downed it) keeps its share for {@code removal-margin}, time for a downed node that still runs to close its
 * pools; then its share is free.
 *
 * <p>A new coordinator (after a handover) starts empty and learns the nodes from their registrations: a node that is
 * not answered registers again, with what it holds. Messages from nodes it does not know are ignored and counted.
 * Registrations are refused (and the node shuts down) for a different budget or when the budget cannot hold one more
 * node; a node that does not fit yet (another node just joined) is not answered and registers again.
 */
public final class BudgetCoordinator extends AbstractBehavior<BudgetCommand> {
  /** The singleton's name. */
  public static final String NAME = "budget-coordinator";

  /** A node left the cluster's membership (local: from the cluster's event stream). */
  private record MemberRemoved(String node) implements BudgetCommand, NoSerializationVerificationNeeded {}

  /** The removal margin of a node has passed. */
  private record RemovalDue(String node) implements BudgetCommand, NoSerializationVerificationNeeded {}

  private final ClusterBudgetSettings settings;
  private final TimerScheduler<BudgetCommand> timers;
  private final BudgetLedger ledger;
  private final Map<String, ActorRef<NodeBudgetCommand>> agents = new HashMap<>();
  private final BudgetMetrics metrics = new BudgetMetrics();
  private long ignored;

  /** Starts the singleton (or its proxy on nodes that do not host it) and answers the proxy. */
  public static ActorRef<BudgetCommand> init(ActorSystem<?> system, ClusterBudgetSettings settings, int budget) {
    return ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.supervise(create(settings, budget)).onFailure(SupervisorStrategy.restart()), NAME));
  }

  static Behavior<BudgetCommand> create(ClusterBudgetSettings settings, int budget) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.setLoggerName(BudgetCoordinator.class);
      ActorRef<ClusterEvent.MemberRemoved> removals = context.messageAdapter(ClusterEvent.MemberRemoved.class,
          removed -> new MemberRemoved(NodeIds.of(removed.member().uniqueAddress())));
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(removals,
          ClusterEvent.MemberRemoved.class));
      return new BudgetCoordinator(context, timers, settings, budget);
    }));
  }

  private BudgetCoordinator(ActorContext<BudgetCommand> context, TimerScheduler<BudgetCommand> timers,
      ClusterBudgetSettings settings, int budget) {
    super(context);
    this.settings = settings;
    this.timers = timers;
    this.ledger = new BudgetLedger(budget, settings.headroom(), settings.joinReserve());
    context.getLog().info("budget coordinator started: budget={} headroom={} joinReserve={}", budget,
        settings.headroom(), settings.joinReserve());
  }

  @Override
  public Receive<BudgetCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(BudgetCommand.Register.class, this::onRegister)
        .onMessage(BudgetCommand.DemandReport.class, this::onDemand)
        .onMessage(BudgetCommand.ShareApplied.class, this::onApplied)
        .onMessage(BudgetCommand.GetBudgetView.class, this::onGetView)
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessage(RemovalDue.class, this::onRemovalDue)
        .build();
  }

  private Behavior<BudgetCommand> onRegister(BudgetCommand.Register register) {
    if (!ledger.knows(register.node())) {
      String refusal = ledger.refusal(register.node(), register.budget(), register.fixed(), register.minShare(),
          register.maxShare());
      if (refusal != null) {
        getContext().getLog().warn("node refused a share of the connection budget: node={} reason={}",
            register.node(), refusal);
        register.replyTo().tell(new NodeBudgetCommand.Refused(refusal));
        return this;
      }
      int holds = Math.max(register.minShare(), register.applied());
      if (!ledger.fits(register.fixed(), holds)) {
        getContext().getLog().info("node waits for room in the connection budget: node={} needs={} committed={}"
            + " budget={}", register.node(), register.fixed() + holds, ledger.committed(), ledger.budget());
        return this;
      }
      ledger.admit(register.node(), register.fixed(), register.minShare(), register.maxShare(), register.applied(),
          register.epoch());
      getContext().getLog().info("node joined the connection budget: node={} fixed={} minShare={} maxShare={}"
          + " holds={} nodes={}", register.node(), register.fixed(), register.minShare(), register.maxShare(),
          register.applied(), ledger.nodeCount());
    }
    agents.put(register.node(), register.replyTo());
    rebalance();
    answer(register.node());
    return this;
  }

  private Behavior<BudgetCommand> onDemand(BudgetCommand.DemandReport report) {
    if (!known(report.node())) {
      return this;
    }
    ledger.demand(report.node(), report.demand());
    rebalance();
    answer(report.node());
    return this;
  }

  private Behavior<BudgetCommand> onApplied(BudgetCommand.ShareApplied applied) {
    if (!known(applied.node())) {
      return this;
    }
    ledger.applied(applied.node(), applied.epoch(), applied.share());
    rebalance();
    return this;
  }

  private Behavior<BudgetCommand> onGetView(BudgetCommand.GetBudgetView request) {
    Map<String, Integer> entitled = ledger.entitlements();
    List<BudgetCommand.NodeView> nodes = new ArrayList<>();
    for (BudgetLedger.NodeShare share : ledger.shares()) {
      nodes.add(new BudgetCommand.NodeView(share.node, share.fixed, share.demand, entitled.get(share.node),
          share.assigned, share.held()));
    }
    request.replyTo().tell(new BudgetCommand.BudgetView(ledger.budget(), ledger.committed(), nodes, ignored));
    return this;
  }

  private Behavior<BudgetCommand> onMemberRemoved(MemberRemoved removed) {
    if (ledger.knows(removed.node())) {
      timers.startSingleTimer("remove-" + removed.node(), new RemovalDue(removed.node()), settings.removalMargin());
    }
    return this;
  }

  private Behavior<BudgetCommand> onRemovalDue(RemovalDue due) {
    ledger.remove(due.node());
    agents.remove(due.node());
    getContext().getLog().info("node left the connection budget: node={} nodes={} committed={}", due.node(),
        ledger.nodeCount(), ledger.committed());
    rebalance();
    return this;
  }

  private boolean known(String node) {
    if (ledger.knows(node) && agents.containsKey(node)) {
      return true;
    }
    ignored++;
    metrics.ignored();
    getContext().getLog().debug("message from a node the budget coordinator does not know ignored: node={}"
        + " ignored={}", node, ignored);
    return false;
  }

  private void rebalance() {
    Map<String, Integer> changed = ledger.rebalance();
    metrics.cluster(ledger.budget(), ledger.committed(), ledger.nodeCount());
    changed.forEach((node, share) -> {
      getContext().getLog().info("connection share changed: node={} share={} epoch={} committed={} budget={}", node,
          share, ledger.epoch(node), ledger.committed(), ledger.budget());
      answer(node);
    });
  }

  private void answer(String node) {
    ActorRef<NodeBudgetCommand> agent = agents.get(node);
    if (agent != null) {
      agent.tell(new NodeBudgetCommand.ShareAssigned(ledger.epoch(node), ledger.assigned(node), ledger.nodeCount()));
    }
  }
}
