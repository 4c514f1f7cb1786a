package io.sluice.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * When and how the cluster downs members it can no longer reach: Akka's open-source Split Brain Resolver (Akka 2.6),
 * with the failure detector's tolerance that comes before it. A crashed node is downed after roughly
 * {@code acceptable-heartbeat-pause} plus a few heartbeats (the failure detector marks it unreachable) plus
 * {@code stable-after} (the resolver waits for the membership to stop changing); only then do its shards and
 * singletons start elsewhere.
 *
 * @param activeStrategy which side of a partition survives
 * @param stableAfter how long membership and reachability must stay unchanged before the resolver decides
 * @param quorumSize {@link Strategy#STATIC_QUORUM}'s minimum number of members; required by that strategy only
 * @param downIfAlone {@link Strategy#KEEP_OLDEST}: the oldest member cut off from every other one downs itself, so
 *     the others go on
 * @param acceptableHeartbeatPause how long heartbeats from a member may be missing before it counts as unreachable
 */
public record DowningSettings(Strategy activeStrategy, Duration stableAfter, OptionalInt quorumSize,
    boolean downIfAlone, Duration acceptableHeartbeatPause) {

  static final String KEY = "sluice.cluster.split-brain-resolver.";
  static final String HEARTBEAT_PAUSE_KEY = "sluice.cluster.failure-detector.acceptable-heartbeat-pause";

  /** The resolver's strategies that need no external lease; each one's name is Akka's. */
  public enum Strategy {
    KEEP_MAJORITY, STATIC_QUORUM, KEEP_OLDEST, DOWN_ALL;

    /** The name in configuration, as in {@code akka.cluster.split-brain-resolver.active-strategy}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  static DowningSettings read(SettingsReader reader) {
    Strategy strategy = reader.oneOf(KEY + "active-strategy", Strategy.class, Strategy.KEEP_MAJORITY);
    OptionalInt quorumSize = reader.has(KEY + "static-quorum.quorum-size")
        ? OptionalInt.of(reader.intAtLeast(KEY + "static-quorum.quorum-size", 1))
        : OptionalInt.empty();
    if (strategy == Strategy.STATIC_QUORUM && quorumSize.isEmpty()) {
      reader.fail(KEY + "static-quorum.quorum-size", "is missing but active-strategy static-quorum needs it: the"
          + " least number of members a part must keep to go on (more than half of the cluster's size)", null);
    }
    return new DowningSettings(strategy, reader.positiveDuration(KEY + "stable-after"), quorumSize,
        reader.bool(KEY + "keep-oldest.down-if-alone"), reader.positiveDuration(HEARTBEAT_PAUSE_KEY));
  }

  /** The Akka keys these settings decide (see {@link ClusterSettings#akkaConfig()}). */
  void addAkkaKeys(Map<String, Object> keys) {
    String akka = "akka.cluster.split-brain-resolver.";
    keys.put(akka + "active-strategy", activeStrategy.configName());
    keys.put(akka + "stable-after", stableAfter.toMillis() + "ms");
    quorumSize.ifPresent(size -> keys.put(akka + "static-quorum.quorum-size", size));
    keys.put(akka + "keep-oldest.down-if-alone", downIfAlone);
    keys.put("akka.cluster.failure-detector.acceptable-heartbeat-pause", acceptableHeartbeatPause.toMillis() + "ms");
  }
}
