package io.sluice.orchestrator.budget;

import akka.cluster.UniqueAddress;

/** How the budget names a node: its member's address and incarnation, so a restarted node is a new node. */
final class NodeIds {
  private NodeIds() {}

  static String of(UniqueAddress member) {
    return member.address() + "#" + member.longUid();
  }
}
