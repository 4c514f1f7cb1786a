package io.sluice.orchestrator.cluster;

import akka.actor.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Akka Management's readiness check for Sluice ({@code akka.management.health-checks.readiness-checks.sluice} in
 * {@code application.conf}): {@code /ready} answers 200 only when this node is an Up member and Sluice is ready, the
 * same as Sluice's own {@code /health/ready}. Akka Management creates it by reflection with the classic actor system.
 */
public final class SluiceReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final NodeReadiness readiness;

  public SluiceReadinessCheck(ActorSystem system) {
    this.readiness = NodeReadiness.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return readiness.ready();
  }
}
