package io.sluice.orchestrator;

import akka.Done;
import akka.actor.BootstrapSetup;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.testkit.ExplicitlyTriggeredScheduler;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.config.ClusterWideSettings;
import io.sluice.config.SluiceSettings;
import io.sluice.orchestrator.cluster.ClusterNode;
import io.sluice.persistence.Migrations;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.persistence.journal.JournalPoolSetup;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Actor systems for tests of event-sourced, sharded entities, wired as {@link Sluice} wires its own (through {@link
 * ClusterNode}): a one-node cluster joined to itself, Artery on loopback port 0, Akka Persistence JDBC's journal and
 * snapshot store on the real PostgreSQL ({@link TestDatabase#URL}) through a journal pool of the system's own, and
 * {@code akka.actor.serialize-messages = on}, so every command, reply and event is round-tripped through its
 * serializer (a missing {@code @JsonCreator} fails the test, not production). The schema is migrated once, on
 * {@link #create}.
 *
 * <pre>{@code
 * static JournalTestKit journal = JournalTestKit.create("CampaignTest");      // or create(name, overrides)
 * ActorTestKit testKit = journal.start();                                    // Up, journal ready
 * ClusterSharding.get(testKit.system()).init(Entity.of(KEY, ...));
 * ... persist ...
 * testKit = journal.restart();         // the old system terminates (entities stop, its pool closes); a fresh one
 * ClusterSharding.get(testKit.system()).init(Entity.of(KEY, ...));   // on the same database: recovery
 * @AfterAll static void stop() { journal.close(); }
 * }</pre>
 *
 * Each kit's journal pool reports its own {@code application_name} ({@link #applicationName()}), so a test can count
 * its backends in {@code pg_stat_activity}; {@link #journalPool()} gives the running system's pool and its stats.
 */
public final class JournalTestKit implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final Config config;
  private final SluiceSettings settings;
  private ActorTestKit testKit;
  private JournalPool journalPool;

  private JournalTestKit(String name, Config config) {
    this.name = name;
    this.config = config;
    this.settings = SluiceSettings.from(config);
  }

  public static JournalTestKit create(String name) {
    return create(name, ConfigFactory.empty());
  }

  /**
   * @param overrides laid over the test defaults, for example {@code sluice.pools.journal.idle-timeout = 2s} or
   *     {@code sluice.cluster.passivation-idle-timeout = 3s}
   */
  public static JournalTestKit create(String name, Config overrides) {
    String applicationName = "sluice-journal-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    Config config = overrides
        .withFallback(ConfigFactory.parseMap(Map.of(
            "sluice.database.url", TestDatabase.URL,
            "sluice.database.user", TestDatabase.USER,
            "sluice.database.password", TestDatabase.PASSWORD,
            "sluice.pools.journal.application-name", applicationName,
            "sluice.cluster.port", 0,
            "akka.actor.serialize-messages", "on")))
        .withFallback(ConfigFactory.load());
    JournalTestKit kit = new JournalTestKit(name, config);
    Migrations.run(kit.settings.database());
    return kit;
  }

  /**
   * Opens a journal pool and starts a fresh actor system on it; returns once the node is Up. Under {@code ManualTime}
   * (in {@code overrides}) the kit moves virtual time along while the node joins, and while it leaves on
   * {@link #stop()}; in between, time moves only when the test moves it.
   */
  public ActorTestKit start() throws Exception {
    if (testKit != null) {
      throw new IllegalStateException("already started; stop() or restart() first");
    }
    JournalPool pool = JournalPool.open(settings.database(), settings.journalPool());
    ActorSystem<Void> system;
    try {
      system = ClusterNode.create(Behaviors.empty(), name, config, settings.cluster(), settings.management(),
          ClusterWideSettings.of(settings, ClusterBudgetSettings.from(config, settings.dbPool(), settings.cluster())),
          pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    try {
      CompletableFuture<Done> up = ClusterNode.join(system, settings.cluster()).toCompletableFuture();
      if (system.classicSystem().scheduler() instanceof ExplicitlyTriggeredScheduler manual) {
        moveAlongUntil(manual, up);
      }
      up.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      ActorTestKit.shutdown(system, START_TIMEOUT);
      throw e;
    }
    journalPool = pool;
    testKit = ActorTestKit.create(system);
    return testKit;
  }

  /**
   * Under {@code ManualTime} the cluster's joining runs on ticks of the virtual scheduler: moves it along in small
   * steps, from this thread, until {@code done} (virtual time then stands still again, for the test to move).
   */
  public static void moveAlongUntil(ExplicitlyTriggeredScheduler scheduler, CompletableFuture<?> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!done.isDone() && System.nanoTime() < deadline) {
      scheduler.timePasses(scala.concurrent.duration.Duration.create(100, TimeUnit.MILLISECONDS));
      Thread.sleep(10);
    }
  }

  /**
   * Opens a journal pool and starts a fresh actor system on it without the cluster ({@code akka.actor.provider =
   * local}): for entities spawned directly rather than through sharding, e.g. under {@code ManualTime}, whose
   * scheduler the cluster's own ticks (gossip, joining) would wait on forever.
   */
  public ActorTestKit startLocal() {
    if (testKit != null) {
      throw new IllegalStateException("already started; stop() or restart() first");
    }
    JournalPool pool = JournalPool.open(settings.database(), settings.journalPool());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name,
        BootstrapSetup.create(ConfigFactory.parseString("akka.actor.provider = local").withFallback(config))
            .and(JournalPoolSetup.of(pool)));
    system.classicSystem().registerOnTermination(pool::close);
    journalPool = pool;
    testKit = ActorTestKit.create(system);
    return testKit;
  }

  /**
   * Terminates the running system (coordinated shutdown: entities stop, the node leaves, then its pool closes), under
   * {@code ManualTime} moving virtual time along until it has.
   */
  public void stop() {
    if (testKit != null) {
      if (testKit.system().classicSystem().scheduler() instanceof ExplicitlyTriggeredScheduler manual) {
        // Leaving the cluster runs on ticks too.
        testKit.system().terminate();
        try {
          moveAlongUntil(manual, testKit.system().getWhenTerminated().toCompletableFuture());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ActorTestKit.shutdown(testKit.system(), START_TIMEOUT, true);
      testKit = null;
      journalPool = null;
    }
  }

  /** {@link #stop()}, then {@link #start()}: a new system on the same database, as after a process restart. */
  public ActorTestKit restart() throws Exception {
    stop();
    return start();
  }

  /** The running system's test kit. */
  public ActorTestKit testKit() {
    return running(testKit);
  }

  /** The running system's journal pool. */
  public JournalPool journalPool() {
    return running(journalPool);
  }

  /** What this kit's journal connections report as {@code application_name} in {@code pg_stat_activity}. */
  public String applicationName() {
    return settings.journalPool().applicationName();
  }

  public SluiceSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    stop();
  }

  private static <T> T running(T value) {
    if (value == null) {
      throw new IllegalStateException("no system is running: start() first");
    }
    return value;
  }
}
