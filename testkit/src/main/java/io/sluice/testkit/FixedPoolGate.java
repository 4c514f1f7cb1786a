package io.sluice.testkit;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A bare pool of fixed size, as HikariCP behaves with {@code minimumIdle = 0}: a request takes an idle connection or
 * waits (FIFO) while one is opened or returned, and fails after the connection timeout. No limit, no priorities.
 */
public final class FixedPoolGate implements PermitGate {
  private final String name;
  private final SimulatedConnections connections;
  private final Duration connectionTimeout;
  private final TimedQueue waiters;
  private int opensInFlight;

  private enum Connection implements Permit {
    INSTANCE
  }

  public FixedPoolGate(String name, Simulation simulation, SimulatedConnections connections,
      Duration connectionTimeout) {
    this.name = name;
    this.connections = connections;
    this.connectionTimeout = connectionTimeout;
    this.waiters = new TimedQueue(simulation);
  }

  public static Factory factory(String name, Duration connectionTimeout) {
    return Factory.of(name, (simulation, connections) ->
        new FixedPoolGate(name, simulation, connections, connectionTimeout));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void acquire(Ask ask, Consumer<Permit> granted, Consumer<String> rejected) {
    waiters.add(connectionTimeout, granted, rejected, "CONNECTION_TIMEOUT");
    serve();
  }

  private void serve() {
    while (!waiters.isEmpty() && connections.idle() > 0) {
      TimedQueue.Waiter next = waiters.poll();
      connections.borrow(opened -> next.grant(Connection.INSTANCE));
    }
    while (waiters.size() > opensInFlight && connections.hasCapacity()) {
      opensInFlight++;
      connections.borrow(opened -> {
        opensInFlight--;
        if (!opened) {
          return;
        }
        TimedQueue.Waiter next = waiters.poll();
        if (next == null) {
          connections.giveBack();
        } else {
          next.grant(Connection.INSTANCE);
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
