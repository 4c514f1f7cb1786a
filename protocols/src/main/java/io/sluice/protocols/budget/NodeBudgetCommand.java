package io.sluice.protocols.budget;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.protocols.CborSerializable;

/**
 * What a node's budget agent accepts from the coordinator. Not sealed: the agent's timers and pool checks implement it
 * in the orchestrator.
 */
public interface NodeBudgetCommand extends CborSerializable {

  /**
   * The node's share of the cluster's budget, sent when it changes and again in answer to each demand report (so the
   * node hears that the coordinator is alive; a repeated epoch changes nothing).
   *
   * @param nodes how many nodes share the budget now: a node that loses the coordinator falls back to
   *     {@code budget / nodes} (rounded down) minus its fixed pools, never more than it holds
   */
  record ShareAssigned(long epoch, int share, int nodes) implements NodeBudgetCommand {}

  /** The coordinator will not give this node a share (another budget, or no room for one more node). */
  record Refused(String reason) implements NodeBudgetCommand {
    @JsonCreator
    public Refused {}
  }
}
