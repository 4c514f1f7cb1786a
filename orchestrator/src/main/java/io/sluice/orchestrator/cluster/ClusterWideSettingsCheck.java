package io.sluice.orchestrator.cluster;

import akka.cluster.ConfigValidation;
import akka.cluster.Invalid;
import akka.cluster.JoinConfigCompatChecker;
import akka.cluster.Valid;
import akka.japi.Util;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.sluice.config.ClusterWideSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import scala.collection.immutable.Seq;

/**
 * Refuses, at join, a node whose settings differ from the cluster's in one that every node must share. Akka's
 * configuration compatibility check runs it ({@code akka.cluster.configuration-compatibility-check.checkers.sluice},
 * {@code application.conf}): a node joining through seed nodes or Cluster Bootstrap sends the values of
 * {@link #requiredKeys()} with its first message, the member it asks compares them with its own here, and on a
 * difference answers "incompatible"; with {@code enforce-on-join} (on) the joining node then never becomes a member
 * and runs coordinated shutdown ({@code IncompatibleConfigurationDetectedReason}). The member logs this check's
 * messages in its own warning, {@code Found incompatible settings when [<node>] tried to join: <messages>}; each
 * message names the setting and both values. Values are compared as {@link JoinConfigCompatChecker#fullMatch} compares
 * them (equal {@code ConfigValue}s, hence the one form {@link ClusterWideSettings} writes them in), but with messages
 * that give both values, where fullMatch's say only "is incompatible". Akka instantiates the class by its no-argument
 * constructor.
 *
 * <p>What must match, and why (values as {@link ClusterWideSettings} writes them):
 * <ul>
 *   <li>{@code sluice.database.url}, without its parameters: nodes of one cluster share their event-sourced entities,
 *       which sharding moves between nodes, and one connection budget; on two databases an entity's journal would
 *       be split and the budget would be divided across databases. User and password are neither compared nor sent
 *       (they, and the raw URL, are {@code sensitive-config-paths}).
 *   <li>{@code sluice.database.max-connections}: the cluster's budget. The budget coordinator also refuses a node
 *       with another one when it registers, later and as a second line of defence.
 *   <li>{@code sluice.cluster.budget.enabled}, as resolved: a node that does not take part counts the budget alone,
 *       next to nodes that divide it; and the coordinator runs on the oldest node only if that node takes part.
 *   <li>{@code sluice.cluster.budget.headroom}, {@code join-reserve} and {@code removal-margin}: the coordinator (a
 *       Cluster Singleton, on the oldest node) applies its own node's values to every node, so with different values
 *       the budget's behaviour would change with every hand-over.
 *   <li>{@code sluice.cluster.split-brain-resolver.stable-after}, and {@code static-quorum.quorum-size} and
 *       {@code keep-oldest.down-if-alone} under the strategies that use them: each side of a partition decides with
 *       its own values, so with different ones both sides may go on (two quorums, two oldest) or a side may still run
 *       its shards when the other starts them (stable-after is also the survivors' wait).
 * </ul>
 * Not here because Akka compares them itself: the downing provider and
 * {@code split-brain-resolver.active-strategy} (akka-cluster), the sharding state-store mode (akka-cluster-sharding)
 * and {@code number-of-shards} (akka-cluster-sharding-typed). Per-node settings (pool sizes, {@code min-share},
 * report intervals) are each node's own and may differ.
 */
public final class ClusterWideSettingsCheck extends JoinConfigCompatChecker {

  @Override
  public Seq<String> requiredKeys() {
    List<String> keys = new ArrayList<>();
    for (ClusterWideSettings.Shared shared : ClusterWideSettings.SHARED) {
      keys.add(shared.path());
    }
    return Util.immutableSeq(keys);
  }

  /**
   * Compares the other node's values ({@code toCheck}: the joining node's, on the member it asks) with this node's.
   * Only values both nodes have are compared, as Akka's own checkers do for rolling updates: a node of a Sluice before
   * this check sends none (the budget coordinator still refuses it with another budget), and the resolver's quorum
   * size and lone-oldest rule exist only under their strategies (different strategies are Akka's own refusal).
   */
  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    List<String> problems = new ArrayList<>();
    for (ClusterWideSettings.Shared shared : ClusterWideSettings.SHARED) {
      if (toCheck.hasPath(shared.path()) && actualConfig.hasPath(shared.path())) {
        ConfigValue theirs = toCheck.getValue(shared.path());
        ConfigValue ours = actualConfig.getValue(shared.path());
        if (!theirs.equals(ours)) {
          problems.add(shared.setting() + " must be the same on every node: the other node has "
              + theirs.unwrapped() + ", this node has " + ours.unwrapped());
        }
      }
    }
    return problems.isEmpty() ? Valid.getInstance() : new Invalid(Util.immutableSeq(problems));
  }

  /** This node's values of everything compared, for the message of a node refused at join. */
  static String describe(Config config) {
    StringJoiner values = new StringJoiner(", ");
    for (ClusterWideSettings.Shared shared : ClusterWideSettings.SHARED) {
      if (config.hasPath(shared.path())) {
        values.add(shared.setting() + " = " + config.getValue(shared.path()).unwrapped());
      }
    }
    return values.toString();
  }
}
