package io.sluice.orchestrator.cluster;

import akka.Done;
import akka.actor.Address;
import akka.actor.BootstrapSetup;
import akka.actor.Cancellable;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.cluster.typed.JoinSeedNodes;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;
import com.typesafe.config.Config;
import io.sluice.config.ClusterSettings;
import io.sluice.config.ClusterWideSettings;
import io.sluice.config.HostPort;
import io.sluice.config.ManagementSettings;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.persistence.journal.JournalPoolSetup;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's actor system is a node of an Akka Cluster from the start, so that its event-sourced entities live under
 * Cluster Sharding and the schedules in a Cluster Singleton, addressed the same whether the cluster has one node or
 * several. {@link #join} makes it a member: of a cluster of one by joining itself (standalone, the default), through
 * seed nodes ({@code sluice.cluster.seed-nodes}), or by Akka Cluster Bootstrap.
 *
 * <p>A node that joins others is compared with the member it asks, at join, on the settings every node of a cluster
 * must share ({@link ClusterWideSettingsCheck}); refused, it shuts down without becoming a member, and {@link #join}
 * fails at once.
 *
 * <p>A member that is downed (by the Split Brain Resolver, or an operator) or removed runs coordinated shutdown, Akka's
 * {@code run-coordinated-shutdown-when-down}: the actor system terminates, and {@code Main} exits the JVM.
 *
 * <p>The node's journal (Akka Persistence JDBC, see {@code application.conf}) runs on a {@link JournalPool} handed to
 * the system at creation through a {@link JournalPoolSetup}. The pool is opened before the system and closed after it
 * has terminated, when no journal or snapshot-store actor is left to use it (and before
 * {@code getWhenTerminated()} completes, so whoever waits for the system also waits for the pool).
 */
public final class ClusterNode {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
  private static final java.time.Duration VIEW_RECHECK = java.time.Duration.ofMillis(10);

  private ClusterNode() {}

  /**
   * Creates the actor system with {@code cluster}'s address, joining, downing and passivation settings,
   * {@code management}'s endpoint and the {@code clusterWide} values a cluster compares when this node joins
   * ({@link ClusterWideSettingsCheck}) over {@code config}, its journal on {@code journalPool}. It has not joined yet:
   * call {@link #join} (after {@link #startManagement}, which Cluster Bootstrap needs). If the system cannot be created
   * the pool is left open: the caller opened it and closes it.
   */
  public static <T> ActorSystem<T> create(Behavior<T> guardian, String name, Config config, ClusterSettings cluster,
      ManagementSettings management, ClusterWideSettings clusterWide, JournalPool journalPool) {
    ActorSystem<T> system = ActorSystem.create(guardian, name,
        BootstrapSetup.create(cluster.akkaConfig().withFallback(management.akkaConfig())
                .withFallback(clusterWide.akkaConfig()).withFallback(config))
            .and(JournalPoolSetup.of(journalPool)));
    system.classicSystem().registerOnTermination(journalPool::close);
    return system;
  }

  /**
   * Starts Akka Management's HTTP endpoint when {@code management} enables it, before the node joins, so that its
   * {@code /ready} answers 503 while the node is not yet an Up member, and Cluster Bootstrap's probes find it. It is
   * unbound in coordinated shutdown's last phase before the actor system terminates, so that {@code /ready} keeps
   * answering (503) while the node leaves.
   *
   * @return the endpoint's address once bound; empty when management is off
   */
  public static CompletionStage<Optional<URI>> startManagement(ActorSystem<?> system, ManagementSettings management) {
    if (!management.enabled()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    AkkaManagement akkaManagement = AkkaManagement.get(system);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "stop-akka-management", akkaManagement::stop);
    return akkaManagement.start().thenApply(uri -> {
      log.info("Akka Management serves {} (/ready, /alive, /cluster/members)", uri);
      return Optional.of(URI.create(uri.toString()));
    });
  }

  /**
   * Makes the node a member as {@code cluster} says: joins itself, joins through the seed nodes, or starts Cluster
   * Bootstrap (whose management endpoint {@link #startManagement} must have started). Completes when the node is Up,
   * the point from which sharded entities and singletons can start. Fails with a {@link ClusterJoinException} as soon
   * as coordinated shutdown runs before that: above all when the cluster refused the node for a setting that differs
   * from its own ({@link ClusterWideSettingsCheck}), so that start-up does not wait for the join timeout; it does not
   * fail on its own otherwise (see {@link #awaitUp}).
   */
  public static CompletionStage<Done> join(ActorSystem<?> system, ClusterSettings cluster) {
    CompletableFuture<Done> up = new CompletableFuture<>();
    Cancellable failOnShutdown = CoordinatedShutdown.get(system).addCancellableTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(), "fail-join-on-shutdown", () -> {
          up.completeExceptionally(new ClusterJoinException(shutDownBeforeUp(system, cluster), null));
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    up.thenRun(failOnShutdown::cancel);
    akka.cluster.Cluster.get(Adapter.toClassic(system))
        .registerOnMemberUp(() -> completeOnceSeenUp(system, up));
    Cluster member = Cluster.get(system);
    if (cluster.bootstrap().enabled()) {
      log.info("joining by Cluster Bootstrap: {} discovery of '{}', {} contact points required",
          cluster.bootstrap().discoveryMethod().configName(), cluster.bootstrap().serviceName(),
          cluster.bootstrap().requiredContactPointNr());
      ClusterBootstrap.get(Adapter.toClassic(system)).start();
    } else if (!cluster.seedNodes().isEmpty()) {
      List<Address> seeds = new ArrayList<>();
      for (HostPort seed : cluster.seedNodes()) {
        seeds.add(new Address("akka", system.name(), seed.host(), seed.port()));
      }
      log.info("joining through seed nodes {}", seeds);
      member.manager().tell(new JoinSeedNodes(seeds));
    } else {
      member.manager().tell(Join.create(member.selfMember().address()));
    }
    return up;
  }

  /**
   * Completes {@code up} once {@link Cluster#selfMember()} also says Up. The member-up callback and the view that
   * {@code selfMember()} reads (what readiness and the health view ask) are separate subscribers of the cluster's
   * events, so the view may trail the callback by a moment; whoever waits for the join then finds the node Up there.
   */
  private static void completeOnceSeenUp(ActorSystem<?> system, CompletableFuture<Done> up) {
    if (ClusterView.isUp(system)) {
      up.complete(Done.getInstance());
    } else {
      system.scheduler().scheduleOnce(VIEW_RECHECK, () -> completeOnceSeenUp(system, up), system.executionContext());
    }
  }

  /**
   * {@link #join}, waiting up to {@code sluice.cluster.join-timeout} for the node to be Up.
   *
   * @throws ClusterJoinException when it is not Up in time, naming how it tried to join and the settings involved, or
   *     at once when the node shuts down before (refused by the cluster for a setting that differs, among others)
   */
  public static void awaitUp(ActorSystem<?> system, ClusterSettings cluster)
      throws ClusterJoinException, InterruptedException, ExecutionException {
    try {
      join(system, cluster).toCompletableFuture().get(cluster.joinTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ClusterJoinException(notUpWithin(system, cluster), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ClusterJoinException shutDown) {
        throw shutDown;
      }
      throw e;
    }
  }

  private static String notUpWithin(ActorSystem<?> system, ClusterSettings cluster) {
    String within = "this node (" + Cluster.get(system).selfMember().address() + ") did not become an Up member"
        + " within sluice.cluster.join-timeout (" + cluster.joinTimeout().toSeconds() + " s) ";
    if (cluster.bootstrap().enabled()) {
      return within + joiningBy(cluster) + ": check that the other nodes run with Akka Management reachable there";
    }
    if (!cluster.seedNodes().isEmpty()) {
      return within + joiningBy(cluster) + ": check that one of them runs, is reachable at that address and port, and"
          + " that its actor system is also named '" + system.name() + "'";
    }
    return within + joiningBy(cluster);
  }

  /**
   * Akka's join check refuses a node by shutting it down with {@code IncompatibleConfigurationDetectedReason}; the
   * member that refused it logs which setting differs, this node is only told that one does, so the message lists this
   * node's values of everything compared.
   */
  private static String shutDownBeforeUp(ActorSystem<?> system, ClusterSettings cluster) {
    String self = "this node (" + Cluster.get(system).selfMember().address() + ")";
    CoordinatedShutdown.Reason reason = CoordinatedShutdown.get(system).getShutdownReason()
        .orElse(CoordinatedShutdown.unknownReason());
    if (reason.equals(CoordinatedShutdown.incompatibleConfigurationDetectedReason())) {
      return self + " was refused at join " + joiningBy(cluster) + ": a setting that every node of a cluster must"
          + " share differs from the cluster's; the member that refused it names the setting and both values in its"
          + " log (\"Found incompatible settings when [" + Cluster.get(system).selfMember().address() + "] tried to"
          + " join: ...\"). This node has " + ClusterWideSettingsCheck.describe(system.settings().config())
          + ", sluice.cluster.split-brain-resolver.active-strategy = "
          + cluster.downing().activeStrategy().configName();
    }
    return self + " shut down (reason " + reason + ") " + joiningBy(cluster) + " before it became an Up member";
  }

  private static String joiningBy(ClusterSettings cluster) {
    if (cluster.bootstrap().enabled()) {
      return "by Cluster Bootstrap (sluice.cluster.bootstrap: " + cluster.bootstrap().discoveryMethod().configName()
          + " discovery of '" + cluster.bootstrap().serviceName() + "', " + cluster.bootstrap().requiredContactPointNr()
          + " contact points required"
          + (cluster.bootstrap().contactPoints().isEmpty() ? "" : " of " + cluster.bootstrap().contactPoints()) + ")";
    }
    if (!cluster.seedNodes().isEmpty()) {
      return "through the seed nodes " + cluster.seedNodes() + " (sluice.cluster.seed-nodes)";
    }
    return "by joining itself";
  }
}
