package io.sluice.orchestrator.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Whether this node may take traffic: it is an Up member of its cluster, and the service that runs on it says it is
 * ready. The service registers its own readiness once it serves ({@link #serviceReadiness}); until then, and on a node
 * that is not Up, the answer is no. Akka Management's {@code /ready} asks it through {@link SluiceReadinessCheck}.
 */
public final class NodeReadiness implements Extension {
  private static final Id ID = new Id();

  private final ActorSystem<?> system;
  private final AtomicReference<Supplier<CompletionStage<Boolean>>> service =
      new AtomicReference<>(() -> CompletableFuture.completedFuture(false));

  private NodeReadiness(ActorSystem<?> system) {
    this.system = system;
  }

  public static NodeReadiness get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** From now on the node is ready when it is Up and {@code readiness} answers true. */
  public void serviceReadiness(Supplier<CompletionStage<Boolean>> readiness) {
    service.set(readiness);
  }

  /** Whether the node is an Up member and the service is ready; the service is not asked while the node is not Up. */
  public CompletionStage<Boolean> ready() {
    return ClusterView.isUp(system) ? service.get().get() : CompletableFuture.completedFuture(false);
  }

  private static final class Id extends ExtensionId<NodeReadiness> {
    @Override
    public NodeReadiness createExtension(ActorSystem<?> system) {
      return new NodeReadiness(system);
    }
  }
}
