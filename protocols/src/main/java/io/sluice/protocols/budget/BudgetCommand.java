package io.sluice.protocols.budget;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.protocols.CborSerializable;
import java.util.List;

/**
 * What the cluster's budget coordinator (a Cluster Singleton) accepts from the nodes' budget agents. A node is named by
 * its member's unique address, so a restarted node on the same host and port is a new node. Not sealed: the
 * coordinator's membership events implement it in the orchestrator.
 */
public interface BudgetCommand extends CborSerializable {

  /**
   * A node asks for a share of the cluster's budget (at start, and again whenever the coordinator has not answered it
   * for a while: a new coordinator after a handover learns the nodes this way).
   *
   * @param budget the node's {@code sluice.database.max-connections}; must equal the cluster's
   * @param fixed connections the node holds outside its share (its journal pool)
   * @param minShare the smallest {@code db} share the node works with
   * @param maxShare its {@code db} pool's configured size
   * @param applied the share the node holds now (0 before its first)
   * @param epoch the epoch of that share (0 before its first)
   */
  record Register(String node, int budget, int fixed, int minShare, int maxShare, int applied, long epoch,
      ActorRef<NodeBudgetCommand> replyTo) implements BudgetCommand {}

  /** The node's demand now: permits granted plus waiting in its {@code db} pool. Also the node's heartbeat. */
  record DemandReport(String node, int demand) implements BudgetCommand {}

  /** The node's pool and permits are at or below the share sent with {@code epoch}. */
  record ShareApplied(String node, long epoch, int share) implements BudgetCommand {}

  /** The coordinator's view, for {@code /v1/pools}. */
  record GetBudgetView(ActorRef<BudgetView> replyTo) implements BudgetCommand {
    @JsonCreator
    public GetBudgetView {}
  }

  /**
   * The cluster's budget as the coordinator sees it.
   *
   * @param committed the most all nodes together may hold now (never above {@code budget})
   * @param ignored messages from nodes the coordinator does not know, ignored since it started
   */
  record BudgetView(int budget, int committed, List<NodeView> nodes, long ignored) implements CborSerializable {}

  /**
   * One node in {@link BudgetView}.
   *
   * @param held the most it may hold now: its applied share or a larger one sent since
   */
  record NodeView(String node, int fixed, int demand, int entitled, int assigned, int held)
      implements CborSerializable {}
}
