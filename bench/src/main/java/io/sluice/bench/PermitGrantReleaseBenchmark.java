package io.sluice.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import io.sluice.config.PoolSettings;
import io.sluice.orchestrator.pool.FixedLimit;
import io.sluice.orchestrator.pool.PoolSupervisor;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.LeaseId;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.Rejected;
import io.sluice.protocols.permit.Release;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The permit hot path, Acquire → Granted → Release through a running {@link PoolSupervisor} with no database behind
 * it ({@link InMemoryPool}: admit and retire do nothing). Two shapes:
 *
 * <ul>
 *   <li>{@link #roundTrip}: each benchmark thread is one requester that waits for its grant before releasing it, as a
 *       facade call does. Limit 64, so nobody queues: this is the latency of one grant plus two thread wake-ups.
 *   <li>{@link #queued}: a requester actor asks for {@value #BURST} permits at once on a limit of {@value
 *       #QUEUED_LIMIT} and releases each as soon as it is granted, so 90 of every 100 requests go through the wait
 *       queue, as in the overload scenario. The benchmark thread wakes once per burst: this is the supervisor's
 *       message throughput, not a thread hand-off. One score unit is one grant-and-release.
 * </ul>
 *
 * <p>Run (see docs/BENCHMARKS.md): {@code bench/run.sh org.openjdk.jmh.Main PermitGrantRelease -f 1 -wi 3 -w 2s
 * -i 5 -r 2s -t 1 -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PermitGrantReleaseBenchmark {
  static final int ROUND_TRIP_LIMIT = 64;
  static final int QUEUED_LIMIT = 10;
  static final int BURST = 100;

  static ActorSystem<PermitCommand> supervisor(String name, int limit) {
    PoolSettings settings = new PoolSettings(name, "sluice-jmh", limit, limit, 10_000, Duration.ofSeconds(5),
        Duration.ofMinutes(10), 0, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(1));
    return ActorSystem.create(PoolSupervisor.create(settings, new InMemoryPool(limit), new FixedLimit(limit),
        Duration.ofSeconds(1), System::nanoTime), name);
  }

  static void terminate(ActorSystem<?> system) {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** A supervisor with room for every benchmark thread, and one actor that completes the waiting threads' grants. */
  @State(Scope.Benchmark)
  public static class RoundTripPool {
    ActorSystem<PermitCommand> supervisor;
    ActorRef<PermitReply> replies;
    final ConcurrentHashMap<Long, CompletableFuture<Granted>> pending = new ConcurrentHashMap<>();
    final AtomicLong requestIds = new AtomicLong();

    @Setup
    public void start() {
      supervisor = supervisor("jmh-round-trip", ROUND_TRIP_LIMIT);
      replies = supervisor.systemActorOf(Behaviors.<PermitReply>receiveMessage(reply -> {
        if (reply instanceof Granted granted) {
          pending.remove(granted.requestId()).complete(granted);
        } else if (reply instanceof Rejected rejected) {
          pending.remove(rejected.requestId()).completeExceptionally(new IllegalStateException(rejected.detail()));
        }
        return Behaviors.same();
      }), "jmh-replies", Props.empty());
    }

    @TearDown
    public void stop() {
      terminate(supervisor);
    }
  }

  @Benchmark
  public LeaseId roundTrip(RoundTripPool pool) {
    long requestId = pool.requestIds.incrementAndGet();
    CompletableFuture<Granted> grant = new CompletableFuture<>();
    pool.pending.put(requestId, grant);
    pool.supervisor.tell(new Acquire(requestId, "bench", "grant-release", LeaseKind.SHORT, Priority.NORMAL,
        Duration.ofSeconds(5), pool.replies, null));
    LeaseId lease = grant.join().lease().id();
    pool.supervisor.tell(new Release(lease, Duration.ZERO, false));
    return lease;
  }

  /** A supervisor whose limit is a tenth of a burst, shared by every benchmark thread. */
  @State(Scope.Benchmark)
  public static class QueuedPool {
    ActorSystem<PermitCommand> supervisor;
    final AtomicInteger requesters = new AtomicInteger();

    @Setup
    public void start() {
      supervisor = supervisor("jmh-queued", QUEUED_LIMIT);
    }

    @TearDown
    public void stop() {
      terminate(supervisor);
    }
  }

  /** One requester actor per benchmark thread; it has one burst in flight at a time. */
  @State(Scope.Thread)
  public static class Requester {
    ActorRef<Object> actor;

    @Setup
    public void start(QueuedPool pool) {
      actor = pool.supervisor.systemActorOf(requester(pool.supervisor),
          "jmh-requester-" + pool.requesters.incrementAndGet(), Props.empty());
    }
  }

  private record Burst(int size, CompletableFuture<Integer> done) {}

  /** Asks for {@code size} permits at once and releases each as soon as it arrives; completes when all came back. */
  static Behavior<Object> requester(ActorRef<PermitCommand> supervisor) {
    return Behaviors.setup(context -> {
      ActorRef<PermitReply> self = context.getSelf().narrow();
      int[] outstanding = new int[1];
      long[] nextId = new long[1];
      @SuppressWarnings("unchecked")
      CompletableFuture<Integer>[] done = new CompletableFuture[1];
      return Behaviors.receiveMessage(message -> {
        if (message instanceof Burst burst) {
          outstanding[0] = burst.size();
          done[0] = burst.done();
          for (int i = 0; i < burst.size(); i++) {
            supervisor.tell(new Acquire(++nextId[0], "bench", "queued", LeaseKind.SHORT, Priority.NORMAL,
                Duration.ofSeconds(5), self, null));
          }
        } else if (message instanceof Granted granted) {
          supervisor.tell(new Release(granted.lease().id(), Duration.ZERO, false));
          if (--outstanding[0] == 0) {
            done[0].complete(BURST);
          }
        } else if (message instanceof Rejected rejected) {
          done[0].completeExceptionally(new IllegalStateException(rejected.detail()));
        }
        return Behaviors.same();
      });
    });
  }

  @Benchmark
  @OperationsPerInvocation(BURST)
  public int queued(Requester requester) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    requester.actor.tell(new Burst(BURST, done));
    return done.join();
  }
}
