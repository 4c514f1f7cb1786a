package io.sluice.orchestrator.database;

import io.sluice.protocols.permit.Lease;
import java.util.concurrent.CompletableFuture;

/**
 * What the facade runs on the JDBC dispatcher once a permit is granted. From then on it owns the lease: it must
 * complete {@code result} and see that the lease is released, now (a unit of work) or when its stream ends.
 */
@FunctionalInterface
interface UnderLease<T> {
  void run(Lease lease, CompletableFuture<T> result);
}
