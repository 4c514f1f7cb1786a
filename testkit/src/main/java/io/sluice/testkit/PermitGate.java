package io.sluice.testkit;

import io.sluice.protocols.permit.Priority;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What stands between simulated work and the simulated database: Sluice's supervisor, a bare fixed pool, or any
 * limiter a user wants to compare. Everything happens in virtual time on the {@link Simulation}'s thread.
 */
public interface PermitGate {

  String name();

  /**
   * Asks for a permit with a connection ready to use. Exactly one of the callbacks runs, later in virtual time:
   * {@code granted} with the permit, or {@code rejected} with the reason.
   */
  void acquire(Ask ask, Consumer<Permit> granted, Consumer<String> rejected);

  /** Hands a permit and its connection back; {@code busyNanos} is the time the work spent on the connection. */
  void release(Permit permit, long busyNanos, boolean failed);

  /** Whether the permit is still held (not revoked); checked when the work under it ends. */
  boolean stillHeld(Permit permit);

  /** The current permit limit. */
  int limit();

  /** One request for a permit. */
  record Ask(String owner, String purpose, Priority priority, Duration maxWait) {}

  /** A granted permit; each gate has its own kind. */
  interface Permit {}

  /** Builds a gate over a simulation's connections. */
  interface Factory {
    String name();

    PermitGate create(Simulation simulation, SimulatedConnections connections);

    static Factory of(String name, java.util.function.BiFunction<Simulation, SimulatedConnections, PermitGate> create) {
      return new Factory() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public PermitGate create(Simulation simulation, SimulatedConnections connections) {
          return create.apply(simulation, connections);
        }
      };
    }
  }
}
