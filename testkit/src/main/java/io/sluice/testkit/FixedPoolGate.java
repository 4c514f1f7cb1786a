package io.sluice.testkit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A bare pool of fixed size, as HikariCP behaves with {@code minimumIdle = 0}: a request takes an idle connection or
 * waits (FIFO) while one is opened or returned, and fails after the connection timeout. No limit, no priorities.
 */
public final class FixedPoolGate implements PermitGate {
  private final String name;
  private final Simulation simulation;
  private final SimulatedConnections connections;
  private final Duration connectionTimeout;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int opensInFlight;

  private static final class Waiter {
    final Consumer<Permit> granted;
    final Simulation.Event timeout;

    Waiter(Consumer<Permit> granted, Simulation.Event timeout) {
      this.granted = granted;
      this.timeout = timeout;
    }
  }

  private enum Connection implements Permit {
    INSTANCE
  }

  public FixedPoolGate(String name, Simulation simulation, SimulatedConnections connections,
      Duration connectionTimeout) {
    this.name = name;
    this.simulation = simulation;
    this.connections = connections;
    this.connectionTimeout = connectionTimeout;
  }

  public static Factory factory(String name, Duration connectionTimeout) {
    return new Factory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public PermitGate create(Simulation simulation, SimulatedConnections connections) {
        return new FixedPoolGate(name, simulation, connections, connectionTimeout);
      }
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void acquire(Ask ask, Consumer<Permit> granted, Consumer<String> rejected) {
    Waiter[] self = new Waiter[1];
    Simulation.Event timeout = simulation.after(connectionTimeout, () -> {
      waiters.remove(self[0]);
      rejected.accept("CONNECTION_TIMEOUT");
    });
    self[0] = new Waiter(granted, timeout);
    waiters.add(self[0]);
    serve();
  }

  private void serve() {
    while (!waiters.isEmpty() && connections.idle() > 0) {
      Waiter next = waiters.poll();
      next.timeout.cancel();
      connections.borrow(opened -> next.granted.accept(Connection.INSTANCE));
    }
    while (waiters.size() > opensInFlight && connections.hasCapacity()) {
      opensInFlight++;
      connections.borrow(opened -> {
        opensInFlight--;
        if (!opened) {
          return;
        }
        Waiter next = waiters.poll();
        if (next == null) {
          connections.giveBack();
        } else {
          next.timeout.cancel();
          next.granted.accept(Connection.INSTANCE);
        }
      });
    }
  }

  @Override
  public void release(Permit permit, long busyNanos, boolean failed) {
    connections.giveBack();
    serve();
  }

  @Override
  public boolean stillHeld(Permit permit) {
    return true;
  }

  @Override
  public int limit() {
    return connections.maxSize();
  }
}
