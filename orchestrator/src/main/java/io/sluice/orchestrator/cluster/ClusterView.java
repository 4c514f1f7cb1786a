package io.sluice.orchestrator.cluster;

import akka.actor.typed.ActorSystem;
import akka.cluster.ClusterEvent.CurrentClusterState;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster as this node sees it, for the health views: its own address and membership status, every member with
 * its status, the members it cannot reach, the leader, and the oldest Up member (where the cluster singletons, the
 * schedules' scheduler among them, run). Read from the node's last gossip: never blocks, never asks another node.
 *
 * @param self this node's address
 * @param status this node's membership status ({@code Joining}, {@code WeaklyUp}, {@code Up}, {@code Leaving},
 *     {@code Exiting}, {@code Down}); {@code Removed} also before the node has joined
 * @param up whether this node is an Up member, the condition for serving (readiness)
 * @param members every member, oldest first among the Up ones
 * @param unreachable the members the failure detector marks unreachable from this node
 * @param leader the member that moves others to Up and Removed; null while there is none
 * @param oldest the oldest Up member; null while there is none
 */
public record ClusterView(String self, String status, boolean up, List<MemberView> members, List<String> unreachable,
    String leader, String oldest) {

  /** One member: its address, status and roles. */
  public record MemberView(String address, String status, List<String> roles) {}

  /** The view now. */
  public static ClusterView of(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    Member self = cluster.selfMember();
    CurrentClusterState state = cluster.state();
    List<Member> members = new ArrayList<>();
    state.getMembers().forEach(members::add);
    members.sort((a, b) -> a.isOlderThan(b) ? -1 : b.isOlderThan(a) ? 1 : 0);
    List<MemberView> views = new ArrayList<>();
    String oldest = null;
    for (Member member : members) {
      views.add(new MemberView(member.address().toString(), member.status().toString(),
          List.copyOf(member.getRoles()).stream().sorted().toList()));
      if (oldest == null && member.status() == MemberStatus.up()) {
        oldest = member.address().toString();
      }
    }
    List<String> unreachable = new ArrayList<>();
    for (Member member : state.getUnreachable()) {
      unreachable.add(member.address().toString());
    }
    unreachable.sort(null);
    return new ClusterView(self.address().toString(), self.status().toString(), isUp(system), List.copyOf(views),
        List.copyOf(unreachable), state.getLeader() == null ? null : state.getLeader().toString(), oldest);
  }

  /** Whether this node is an Up member of its cluster (not Joining, WeaklyUp, Leaving, Exiting, Down, Removed). */
  public static boolean isUp(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().status() == MemberStatus.up();
  }
}
