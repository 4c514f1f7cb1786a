package io.sluice.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
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
import io.sluice.protocols.permit.Release;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The permit hot path: Acquire → Granted → Release through a running supervisor, with no database behind it. Each
 * benchmark thread is one requester waiting for its grant, as a facade call does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PermitGrantReleaseBenchmark {
  private static final int LIMIT = 64;

  private ActorSystem<PermitCommand> supervisor;
  private ActorRef<PermitReply> replies;
  private final ConcurrentHashMap<Long, CompletableFuture<Granted>> pending = new ConcurrentHashMap<>();
  private final AtomicLong requestIds = new AtomicLong();

  @Setup
  public void start() {
    PoolSettings settings = new PoolSettings("jmh", "sluice-jmh", LIMIT, LIMIT, 10_000, Duration.ofSeconds(5),
        Duration.ofMinutes(10), 0, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(1));
    supervisor = ActorSystem.create(PoolSupervisor.create(settings, new InMemoryPool(LIMIT), new FixedLimit(LIMIT),
        Duration.ofSeconds(1), System::nanoTime), "jmh");
    replies = supervisor.systemActorOf(Behaviors.<PermitReply>receiveMessage(reply -> {
      if (reply instanceof Granted granted) {
        pending.remove(granted.requestId()).complete(granted);
      }
      return Behaviors.same();
    }), "jmh-replies", Props.empty());
  }

  @TearDown
  public void stop() {
    supervisor.terminate();
    supervisor.getWhenTerminated().toCompletableFuture().join();
  }

  @Benchmark
  public LeaseId grantAndRelease() {
    long requestId = requestIds.incrementAndGet();
    CompletableFuture<Granted> grant = new CompletableFuture<>();
    pending.put(requestId, grant);
    supervisor.tell(new Acquire(requestId, "bench", "grant-release", LeaseKind.SHORT, Priority.NORMAL,
        Duration.ofSeconds(5), replies, null));
    LeaseId lease = grant.join().lease().id();
    supervisor.tell(new Release(lease, Duration.ZERO, false));
    return lease;
  }
}
