package io.sluice.orchestrator.cluster;

import akka.Done;
import akka.actor.BootstrapSetup;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import io.sluice.config.ClusterSettings;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.persistence.journal.JournalPoolSetup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sluice's actor system is a node of an Akka Cluster from the start, so that its event-sourced entities live under
 * Cluster Sharding and more nodes can join later without changing how entities are addressed. Today the node is alone:
 * it joins itself ({@link #joinSelf}), there are no seed nodes (the port may be 0, picked at bind time).
 *
 * <p>The node's journal (Akka Persistence JDBC, see {@code application.conf}) runs on a {@link JournalPool} handed to
 * the system at creation through a {@link JournalPoolSetup}. The pool is opened before the system and closed after it
 * has terminated, when no journal or snapshot-store actor is left to use it (and before
 * {@code getWhenTerminated()} completes, so whoever waits for the system also waits for the pool).
 */
public final class ClusterNode {

  private ClusterNode() {}

  /**
   * Creates the actor system with {@code cluster}'s address and passivation over {@code config}, its journal on
   * {@code journalPool}. It has not joined yet: call {@link #joinSelf}. If the system cannot be created the pool is
   * left open: the caller opened it and closes it.
   */
  public static <T> ActorSystem<T> create(Behavior<T> guardian, String name, Config config, ClusterSettings cluster,
      JournalPool journalPool) {
    ActorSystem<T> system = ActorSystem.create(guardian, name,
        BootstrapSetup.create(cluster.akkaConfig().withFallback(config)).and(JournalPoolSetup.of(journalPool)));
    system.classicSystem().registerOnTermination(journalPool::close);
    return system;
  }

  /** Joins the node to itself; completes when it is Up, the point from which sharded entities can start. */
  public static CompletionStage<Done> joinSelf(ActorSystem<?> system) {
    CompletableFuture<Done> up = new CompletableFuture<>();
    akka.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() -> up.complete(Done.getInstance()));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    return up;
  }
}
