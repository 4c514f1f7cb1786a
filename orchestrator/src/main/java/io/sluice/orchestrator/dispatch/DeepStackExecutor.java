package io.sluice.orchestrator.dispatch;

import akka.actor.typed.DispatcherSelector;
import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of threads with a deep stack, for the dispatcher the event-sourced entities run on
 * ({@code sluice.entity-dispatcher}: {@code executor = "io.sluice.orchestrator.dispatch.DeepStackExecutor"}).
 *
 * <p>Why: Akka 2.6's event-sourced behaviours unstash recursively. Each stashed command whose handling persists nothing
 * handles the next stashed one on the same stack (akka/akka#29933, fixed only in later Akka, under another licence),
 * and on a default 1 MiB stack about 500 of them in a row overflow it — a fatal error that ends the JVM. A webhook
 * endpoint or a campaign whose node crashed starts on another node with every message buffered for it meanwhile, up to
 * {@code akka.persistence.typed.stash-capacity}, mostly such commands: the crash of one node then took the others down
 * one after the other as the entity moved to each. The stack here ({@code stack-size}, 64 MiB by default) holds a full
 * stash with room to spare; its memory is only reserved, the operating system commits the pages a thread touches.
 */
public final class DeepStackExecutor extends ExecutorServiceConfigurator {
  /** Where the entities run: {@code sluice.entity-dispatcher}. */
  public static final DispatcherSelector ENTITY_DISPATCHER = DispatcherSelector.fromConfig("sluice.entity-dispatcher");

  private final int poolSize;
  private final long stackSize;

  /** Akka's signature: {@code config} is the dispatcher's section, with {@code deep-stack-executor} in it. */
  public DeepStackExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Config settings = config.getConfig("deep-stack-executor");
    this.poolSize = settings.getInt("pool-size");
    this.stackSize = settings.getBytes("stack-size");
    if (poolSize < 1) {
      throw new IllegalArgumentException("deep-stack-executor.pool-size must be at least 1, is " + poolSize);
    }
    if (stackSize < 1 << 20) {
      throw new IllegalArgumentException("deep-stack-executor.stack-size must be at least 1 MiB, is " + stackSize);
    }
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory akkaThreads) {
    AtomicInteger started = new AtomicInteger();
    ThreadFactory deepStacks = runnable -> new Thread(null, runnable, id + "-" + started.incrementAndGet(), stackSize);
    return () -> new ThreadPoolExecutor(poolSize, poolSize, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        deepStacks);
  }
}
