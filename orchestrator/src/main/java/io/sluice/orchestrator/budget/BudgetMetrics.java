package io.sluice.orchestrator.budget;

import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;

/**
 * The cluster budget's series in {@code /metrics}: every node publishes its own share and whether it runs on the
 * fallback share; the node hosting the coordinator also publishes the cluster's view (budget, what the nodes may hold
 * together, nodes, ignored messages). Node ids are not tags: each node's {@code /metrics} is its own.
 */
final class BudgetMetrics {
  private final Gauge share = Kamon.gauge("sluice.cluster.budget.share",
      "this node's share of the cluster's connection budget (its db pool size)").withoutTags();
  private final Gauge fallback = Kamon.gauge("sluice.cluster.budget.fallback",
      "1 while this node, without an answer from the coordinator, runs on the conservative share").withoutTags();
  private final Gauge budget = Kamon.gauge("sluice.cluster.budget.budget",
      "the whole cluster's connections (coordinator's node only)").withoutTags();
  private final Gauge committed = Kamon.gauge("sluice.cluster.budget.committed",
      "the most all nodes together may hold now (coordinator's node only)").withoutTags();
  private final Gauge nodes = Kamon.gauge("sluice.cluster.budget.nodes",
      "nodes sharing the budget (coordinator's node only)").withoutTags();
  private final Counter ignored = Kamon.counter("sluice.cluster.budget.ignored",
      "coordinator messages from nodes it does not know, ignored").withoutTags();

  void share(int value, boolean onFallback) {
    share.update(value);
    fallback.update(onFallback ? 1 : 0);
  }

  void cluster(int budgetValue, int committedValue, int nodeCount) {
    budget.update(budgetValue);
    committed.update(committedValue);
    nodes.update(nodeCount);
  }

  void ignored() {
    ignored.increment();
  }
}
