package io.sluice.testkit;

import akka.actor.testkit.typed.Effect;
import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import io.sluice.config.LimitSettings;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.pool.LimitAlgorithm;
import io.sluice.orchestrator.pool.LimitAlgorithms;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.GetPoolStats;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.PoolStats;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import io.sluice.protocols.permit.Revoked;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The real {@link PoolSupervisor} behaviour, run synchronously with Akka's {@link BehaviorTestKit} on the simulation's
 * clock. Its timers surface as effects and become simulation events, so the supervisor sees exactly the virtual time
 * the simulated database sees, and every run is deterministic.
 */
public final class SluiceGate implements PermitGate {
  private final Simulation simulation;
  private final SimulatedConnections connections;
  private final SimulatedPool pool;
  private final BehaviorTestKit<PermitCommand> supervisor;
  private final TestInbox<PermitReply> replies = TestInbox.create();
  private final TestInbox<PoolStats> statsReplies = TestInbox.create();
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<Object, Simulation.Event> timers = new HashMap<>();
  private final Set<Long> revoked = new HashSet<>();
  private final String name;
  private long requestIds;

  private record Pending(Consumer<Permit> granted, Consumer<String> rejected) {}

  private record SluicePermit(Lease lease) implements Permit {}

  public SluiceGate(String name, Simulation simulation, SimulatedConnections connections, PoolSettings settings,
      LimitAlgorithm limit, Duration evaluationInterval) {
    this.name = name;
    this.simulation = simulation;
    this.connections = connections;
    this.pool = new SimulatedPool(connections);
    this.supervisor = BehaviorTestKit.create(
        PoolSupervisor.create(settings, pool, limit, evaluationInterval, simulation::nanoTime), "pool-db");
    settle();
  }

  /** Sluice with the given pool and limit settings. */
  public static Factory factory(String name, PoolSettings settings, LimitSettings limit) {
    return Factory.of(name, (simulation, connections) -> new SluiceGate(name, simulation, connections, settings,
        LimitAlgorithms.create(limit), limit.evaluationInterval()));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void acquire(Ask ask, Consumer<Permit> granted, Consumer<String> rejected) {
    long requestId = ++requestIds;
    pending.put(requestId, new Pending(granted, rejected));
    send(new Acquire(requestId, ask.owner(), ask.purpose(), LeaseKind.SHORT, ask.priority(), ask.maxWait(),
        replies.getRef(), null));
  }

  @Override
  public void release(Permit permit, long busyNanos, boolean failed) {
    Lease lease = ((SluicePermit) permit).lease();
    pool.disconnected(lease.id().value());
    revoked.remove(lease.id().value());
    send(new Release(lease.id(), Duration.ofNanos(busyNanos), failed));
  }

  @Override
  public boolean stillHeld(Permit permit) {
    return !revoked.contains(((SluicePermit) permit).lease().id().value());
  }

  @Override
  public int limit() {
    return stats().limit();
  }

  /** The supervisor's own statistics. */
  public PoolStats stats() {
    send(new GetPoolStats(statsReplies.getRef()));
    return statsReplies.receiveMessage();
  }

  private void send(PermitCommand command) {
    supervisor.run(command);
    settle();
  }

  /** Turns the supervisor's timer effects into simulation events and delivers its replies. */
  private void settle() {
    supervisor.clearLog();
    for (Effect effect : supervisor.getAllEffects()) {
      if (effect instanceof Effect.TimerScheduled<?> scheduled) {
        schedule(scheduled);
      } else if (effect instanceof Effect.TimerCancelled cancelled) {
        Simulation.Event event = timers.remove(cancelled.key());
        if (event != null) {
          event.cancel();
        }
      }
    }
    while (replies.hasMessages()) {
      deliver(replies.receiveMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private void schedule(Effect.TimerScheduled<?> scheduled) {
    Simulation.Event previous = timers.remove(scheduled.key());
    if (previous != null) {
      previous.cancel();
    }
    boolean single = scheduled.mode() == Effect.TimerScheduled$.MODULE$.singleMode();
    long delay = scheduled.duration().toNanos();
    PermitCommand message = (PermitCommand) scheduled.msg();
    fire(scheduled.key(), message, delay, single);
  }

  private void fire(Object key, PermitCommand message, long delayNanos, boolean single) {
    timers.put(key, simulation.afterNanos(delayNanos, () -> {
      timers.remove(key);
      if (!single) {
        fire(key, message, delayNanos, false);
      }
      send(message);
    }));
  }

  private void deliver(PermitReply reply) {
    if (reply instanceof Granted granted) {
      Pending waiter = pending.remove(granted.requestId());
      Lease lease = granted.lease();
      connections.borrow(opened -> {
        if (!pool.isAdmitted(lease.id().value())) {
          // Revoked while the connection was being opened.
          if (opened) {
            connections.giveBack();
          }
          waiter.rejected().accept("REVOKED");
        } else if (opened) {
          pool.connected(lease.id().value());
          waiter.granted().accept(new SluicePermit(lease));
        } else {
          send(new Release(lease.id(), Duration.ZERO, true));
          waiter.rejected().accept("CONNECTION_REFUSED");
        }
      });
    } else if (reply instanceof Rejected rejected) {
      pending.remove(rejected.requestId()).rejected().accept(rejected.reason().name());
    } else if (reply instanceof Revoked revokedLease) {
      revoked.add(revokedLease.lease().value());
    }
  }
}
