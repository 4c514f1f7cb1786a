package io.sluice.testkit;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Netflix concurrency-limits in front of the same simulated pool: a {@link SimpleLimiter} on the simulation's clock,
 * with a FIFO queue (bounded by each request's max wait) standing in for a blocking limiter, since nothing may block
 * in virtual time. The limiter's {@code maxConcurrency} is the pool size, so it never waits on the pool itself.
 */
final class NetflixLimiterGate implements PermitGate {
  private final String name;
  private final SimulatedConnections connections;
  private final SimpleLimiter<Void> limiter;
  private final Limit limit;
  private final TimedQueue waiters;

  private record NetflixPermit(Limiter.Listener listener) implements Permit {}

  private NetflixLimiterGate(String name, Simulation simulation, SimulatedConnections connections, Limit limit) {
    this.name = name;
    this.connections = connections;
    this.limit = limit;
    this.limiter = SimpleLimiter.newBuilder().limit(limit).nanoClock(simulation::nanoTime).build();
    this.waiters = new TimedQueue(simulation);
  }

  static Factory factory(String name, IntFunction<Limit> limitForPoolSize) {
    return Factory.of(name, (simulation, connections) -> new NetflixLimiterGate(name, simulation, connections,
        limitForPoolSize.apply(connections.maxSize())));
  }

  static Factory gradient2() {
    return factory("netflix gradient2", poolSize -> Gradient2Limit.newBuilder().initialLimit(Math.min(20, poolSize))
        .minLimit(1).maxConcurrency(poolSize).build());
  }

  static Factory vegas() {
    return factory("netflix vegas", poolSize -> VegasLimit.newBuilder().initialLimit(Math.min(20, poolSize))
        .maxConcurrency(poolSize).build());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void acquire(Ask ask, Consumer<Permit> granted, Consumer<String> rejected) {
    waiters.add(ask.maxWait(), granted, rejected, "TIMED_OUT");
    admit();
  }

  private void admit() {
    while (!waiters.isEmpty() && connections.hasCapacity()) {
      var listener = limiter.acquire(null);
      if (listener.isEmpty()) {
        return;
      }
      TimedQueue.Waiter next = waiters.poll();
      NetflixPermit permit = new NetflixPermit(listener.get());
      connections.borrow(opened -> next.grant(permit));
    }
  }

  @Override
  public void release(Permit permit, long busyNanos, boolean failed) {
    connections.giveBack();
    Limiter.Listener listener = ((NetflixPermit) permit).listener();
    if (failed) {
      listener.onDropped();
    } else {
      listener.onSuccess();
    }
    admit();
  }

  @Override
  public boolean stillHeld(Permit permit) {
    return true;
  }

  @Override
  public int limit() {
    return limit.getLimit();
  }
}
