package io.sluice.orchestrator.budget;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.persistence.GovernedPool;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.protocols.budget.BudgetCommand;
import io.sluice.protocols.budget.NodeBudgetCommand;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Resized;
import java.util.function.Function;

/**
 * A node's agent of the cluster's connection budget: it registers the node's {@code db} pool with the
 * {@link BudgetCoordinator}, reports its demand (permits granted plus waiting) every {@code report-interval}, and
 * applies the share it is given to the pool's size and the supervisor's limit.
 *
 * <p>Model. A larger share is applied and confirmed at once (the coordinator already counts it). A smaller one is
 * applied at once too — the pool opens nothing above it and closes its idle connections — but confirmed only once the
 * pool's physical connections and the permits granted are within it: until then the coordinator lets no other node
 * grow into that room. If the coordinator stays silent for {@code coordinator-timeout} (it is moving to another node,
 * or this node is cut off), the node falls back to {@code budget / nodes} (rounded down, the node count it last
 * heard) minus its journal pool — only ever shrinking — and registers again until a coordinator answers; a new
 * coordinator learns from the registration what the node holds. A node that reaches no more than half of the
 * cluster's members is on the minority side of a partition, which the majority will down and whose share (and
 * journal pool) it will give away: at its next report tick it closes its {@code db} pool (size 0: nothing granted,
 * every connection handed back closed) and suspends its journal pool (idle connections closed at once, borrowed ones
 * when handed back, every borrow refused, so its entities can neither persist nor recover), ignoring shares
 * meanwhile, so that it holds nothing by the time its share is re-lent; once it reaches a majority again as an Up
 * member it resumes its journal pool, registers and takes the share it is given. A node that is down, leaving or
 * removed never does: its own view of the cluster empties as it shuts down, which is no majority regained. A refused
 * registration (another budget, or no room for one more node) is logged and shuts the node down: it cannot run inside
 * the cluster's budget.
 *
 * <p>Silence is counted in report ticks, not read from a clock, so tests drive it with Akka's manual time.
 */
public final class NodeBudget extends AbstractBehavior<NodeBudgetCommand> {
  private static final String REPORT_TIMER = "report";
  private static final String SHRINK_TIMER = "shrink-check";

  private enum Tick implements NodeBudgetCommand, NoSerializationVerificationNeeded { REPORT_DUE, SHRINK_CHECK_DUE }

  private record StatsRead(PoolStats stats) implements NodeBudgetCommand, NoSerializationVerificationNeeded {}

  /** Where this node stands in its cluster, asked at every report tick. */
  enum Reach {
    /** An Up (or WeaklyUp) member that reaches more than half of the members; also a node outside any cluster. */
    MAJORITY,
    /** Reaches no more than half of the members it knows (a tie counts as the minority: safer). */
    MINORITY,
    /** Down, leaving or removed, and not on a minority side: it will not reach a majority again. */
    LEAVING
  }

  /**
   * What the node brings to the budget.
   *
   * @param node the node's id ({@link NodeIds})
   * @param budget its {@code sluice.database.max-connections}
   * @param fixed its journal pool's size
   * @param maxShare its {@code db} pool's configured size
   */
  public record Terms(String node, int budget, int fixed, int maxShare) {}

  private final ClusterBudgetSettings settings;
  private final TimerScheduler<NodeBudgetCommand> timers;
  private final Terms terms;
  private final ActorRef<BudgetCommand> coordinator;
  private final ActorRef<PermitCommand> supervisor;
  private final GovernedPool pool;
  private final JournalPool journalPool;
  private final Runnable shutDown;
  private final Function<ActorSystem<?>, Reach> reach;
  private final int silentTicksBeforeFallback;
  private final BudgetMetrics metrics = new BudgetMetrics();

  private long epoch;
  private int share;
  /** The share this node held before an unconfirmed shrink; what it may still hold. */
  private int shrinkingFrom = -1;
  private boolean assigned;
  private boolean fallback;
  private boolean isolated;
  private int silentTicks;
  private int lastKnownNodes = 1;

  /**
   * @param pool the {@code db} pool, whose size follows the share
   * @param journalPool suspended while this node is on the minority side of a partition
   * @param shutDown run when the coordinator refuses the node (coordinated shutdown in the service)
   */
  public static Behavior<NodeBudgetCommand> create(ClusterBudgetSettings settings, Terms terms,
      ActorRef<BudgetCommand> coordinator, ActorRef<PermitCommand> supervisor, GovernedPool pool,
      JournalPool journalPool, Runnable shutDown) {
    return create(settings, terms, coordinator, supervisor, pool, journalPool, shutDown, NodeBudget::reach);
  }

  /** @param reach asked every report tick; the cluster's view in the service, a test's choice in a test */
  static Behavior<NodeBudgetCommand> create(ClusterBudgetSettings settings, Terms terms,
      ActorRef<BudgetCommand> coordinator, ActorRef<PermitCommand> supervisor, GovernedPool pool,
      JournalPool journalPool, Runnable shutDown, Function<ActorSystem<?>, Reach> reach) {
    return Behaviors.setup(context -> {
      context.setLoggerName(NodeBudget.class);
      return Behaviors.withTimers(timers -> new NodeBudget(context, timers, settings, terms, coordinator, supervisor,
          pool, journalPool, shutDown, reach));
    });
  }

  private NodeBudget(ActorContext<NodeBudgetCommand> context, TimerScheduler<NodeBudgetCommand> timers,
      ClusterBudgetSettings settings, Terms terms, ActorRef<BudgetCommand> coordinator,
      ActorRef<PermitCommand> supervisor, GovernedPool pool, JournalPool journalPool, Runnable shutDown,
      Function<ActorSystem<?>, Reach> reach) {
    super(context);
    this.settings = settings;
    this.timers = timers;
    this.terms = terms;
    this.coordinator = coordinator;
    this.supervisor = supervisor;
    this.pool = pool;
    this.journalPool = journalPool;
    this.shutDown = shutDown;
    this.reach = reach;
    this.silentTicksBeforeFallback = (int) Math.max(2,
        Math.ceil((double) settings.coordinatorTimeout().toNanos() / settings.reportInterval().toNanos()));
    this.share = pool.maxSize();
    metrics.share(share, false);
    timers.startTimerAtFixedRate(REPORT_TIMER, Tick.REPORT_DUE, settings.reportInterval());
    register();
  }

  @Override
  public Receive<NodeBudgetCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeBudgetCommand.ShareAssigned.class, this::onShareAssigned)
        .onMessage(NodeBudgetCommand.Refused.class, this::onRefused)
        .onMessageEquals(Tick.REPORT_DUE, this::onReportDue)
        .onMessageEquals(Tick.SHRINK_CHECK_DUE, this::onShrinkCheckDue)
        .onMessage(StatsRead.class, this::onStatsRead)
        .build();
  }

  private Behavior<NodeBudgetCommand> onShareAssigned(NodeBudgetCommand.ShareAssigned assignment) {
    silentTicks = 0;
    lastKnownNodes = Math.max(1, assignment.nodes());
    assigned = true;
    if (isolated) {
      return this;
    }
    if (fallback) {
      fallback = false;
      metrics.share(share, false);
      getContext().getLog().info("budget coordinator answers again: node={} share={}", terms.node(),
          assignment.share());
    }
    if (assignment.epoch() < epoch || (assignment.epoch() == epoch && assignment.share() == share)) {
      return this;
    }
    apply(assignment.epoch(), assignment.share());
    return this;
  }

  private void apply(long newEpoch, int newShare) {
    int before = share;
    epoch = newEpoch;
    resizeTo(newShare, false);
    if (newShare >= before && shrinkingFrom < 0) {
      confirm();
    } else {
      awaitShrink(before);
    }
    getContext().getLog().info("connection share applied: node={} share={} before={} epoch={}", terms.node(),
        newShare, before, newEpoch);
  }

  private void confirm() {
    shrinkingFrom = -1;
    timers.cancel(SHRINK_TIMER);
    coordinator.tell(new BudgetCommand.ShareApplied(terms.node(), epoch, share));
  }

  private Behavior<NodeBudgetCommand> onRefused(NodeBudgetCommand.Refused refused) {
    getContext().getLog().error("the cluster's budget coordinator refused this node; shutting down: node={}"
        + " reason={}", terms.node(), refused.reason());
    timers.cancelAll();
    shutDown.run();
    return Behaviors.stopped();
  }

  private Behavior<NodeBudgetCommand> onReportDue() {
    silentTicks++;
    boolean rejoined = false;
    Reach now = reach.apply(getContext().getSystem());
    if (now == Reach.MINORITY) {
      if (!isolated) {
        isolate();
      }
    } else if (isolated && now == Reach.MAJORITY) {
      isolated = false;
      rejoined = true;
      journalPool.resume();
      getContext().getLog().info("this node reaches a majority again; its journal pool is open again, asking for a"
          + " share: node={}", terms.node());
    }
    if (rejoined || !assigned || silentTicks >= 2) {
      register();
    }
    if (assigned && !fallback && silentTicks >= silentTicksBeforeFallback) {
      fallBack();
    }
    readStats();
    return this;
  }

  private Behavior<NodeBudgetCommand> onShrinkCheckDue() {
    readStats();
    return this;
  }

  private void readStats() {
    getContext().ask(PoolStats.class, supervisor, settings.reportInterval(), GetPoolStats::new,
        (stats, failure) -> new StatsRead(stats));
  }

  private Behavior<NodeBudgetCommand> onStatsRead(StatsRead read) {
    PoolStats stats = read.stats();
    if (stats == null) {
      return this;
    }
    if (shrinkingFrom >= 0 && stats.physical().total() <= share && stats.granted() <= share) {
      if (fallback || isolated) {
        // No coordinator to tell; it learns what the node holds when the node registers again.
        shrinkingFrom = -1;
        timers.cancel(SHRINK_TIMER);
      } else {
        confirm();
      }
    }
    if (assigned && !fallback && !isolated) {
      coordinator.tell(new BudgetCommand.DemandReport(terms.node(), stats.granted() + stats.waiting()));
    }
    return this;
  }

  private void register() {
    int holds = shrinkingFrom >= 0 ? shrinkingFrom : share;
    coordinator.tell(new BudgetCommand.Register(terms.node(), terms.budget(), terms.fixed(), settings.minShare(),
        terms.maxShare(), assigned ? holds : 0, epoch, getContext().getSelf()));
  }

  /** The coordinator is silent: shrink to the conservative share if this node holds more. */
  private void fallBack() {
    fallback = true;
    metrics.share(share, true);
    int conservative = Math.max(1, terms.budget() / lastKnownNodes - terms.fixed());
    getContext().getLog().warn("budget coordinator silent for {}; falling back: node={} share={} conservative={}"
        + " nodes={}", settings.coordinatorTimeout(), terms.node(), share, conservative, lastKnownNodes);
    if (conservative < share) {
      shrinkLocally(conservative);
    }
  }

  /** On the minority side of a partition: hold nothing until a majority is reachable again. */
  private void isolate() {
    isolated = true;
    getContext().getLog().warn("this node reaches no more than half of the cluster; its db and journal pools are"
        + " closed until it reaches a majority again: node={} share={}", terms.node(), share);
    journalPool.suspend("node " + terms.node() + " reaches no more than half of the cluster's members");
    shrinkLocally(0);
  }

  /** Shrinks without the coordinator (fallback, isolation): nobody is told; the shrink is awaited all the same. */
  private void shrinkLocally(int target) {
    int before = share;
    resizeTo(target, true);
    awaitShrink(before);
  }

  /** The pool's size and the supervisor's limit follow {@code newShare}; the metrics show it. */
  private void resizeTo(int newShare, boolean onFallback) {
    share = newShare;
    pool.resize(newShare);
    supervisor.tell(Resized.INSTANCE);
    metrics.share(newShare, onFallback);
  }

  /** Where this node stands in its cluster's own view (see {@link Reach}). */
  private static Reach reach(ActorSystem<?> system) {
    akka.actor.ExtendedActorSystem classic =
        (akka.actor.ExtendedActorSystem) akka.actor.typed.javadsl.Adapter.toClassic(system);
    if (!(classic.provider() instanceof akka.cluster.ClusterActorRefProvider)) {
      return Reach.MAJORITY;
    }
    akka.cluster.Cluster cluster = akka.cluster.Cluster.get(classic);
    akka.cluster.ClusterEvent.CurrentClusterState state = cluster.state();
    int members = state.members().size();
    int unreachable = state.getUnreachable().size();
    if (members > 1 && (members - unreachable) * 2 <= members) {
      return Reach.MINORITY;
    }
    akka.cluster.MemberStatus self = cluster.selfMember().status();
    return self == akka.cluster.MemberStatus.up() || self == akka.cluster.MemberStatus.weaklyUp()
        ? Reach.MAJORITY : Reach.LEAVING;
  }

  /** Checks now, and every {@code shrink-check-interval}, whether the pool is within the share it shrank to. */
  private void awaitShrink(int from) {
    shrinkingFrom = Math.max(shrinkingFrom, from);
    timers.startTimerWithFixedDelay(SHRINK_TIMER, Tick.SHRINK_CHECK_DUE, settings.shrinkCheckInterval());
    readStats();
  }
}
