package io.sluice.persistence.journal;

import akka.actor.ActorSystem;
import akka.actor.setup.Setup;

/**
 * Hands the {@link JournalPool} to the actor system it serves, at the system's creation:
 * {@code ActorSystem.create(guardian, name, BootstrapSetup.create(config).and(JournalPoolSetup.of(pool)))}.
 *
 * <p>A {@link Setup} is Akka's way to give an extension an object that config cannot carry (as
 * {@code SerializationSetup} does for serializers); here the extension is Akka Persistence JDBC's, which builds
 * {@link SluiceSlickDatabaseProvider} from nothing but the system. Unlike a static registry, every system gets exactly
 * the pool it was created with, so several systems in one JVM (tests, a restart on the same database) cannot mix up
 * their pools, and a system created without one fails when its journal starts instead of borrowing another's.
 */
public final class JournalPoolSetup extends Setup {
  private final JournalPool pool;

  private JournalPoolSetup(JournalPool pool) {
    this.pool = pool;
  }

  public static JournalPoolSetup of(JournalPool pool) {
    return new JournalPoolSetup(pool);
  }

  public JournalPool pool() {
    return pool;
  }

  /** @throws IllegalStateException if the system was created without a {@code JournalPoolSetup} */
  static JournalPool poolOf(ActorSystem system) {
    return system.settings().setup().get(JournalPoolSetup.class)
        .map(JournalPoolSetup::pool)
        .orElseThrow(() -> new IllegalStateException("actor system '" + system.name() + "' was created without a "
            + JournalPoolSetup.class.getSimpleName() + ": the journal has no pool to use"));
  }
}
