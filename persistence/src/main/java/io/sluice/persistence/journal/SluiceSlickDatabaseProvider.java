package io.sluice.persistence.journal;

import akka.actor.ActorSystem;
import akka.persistence.jdbc.db.SlickDatabase;
import akka.persistence.jdbc.db.SlickDatabaseProvider;
import com.typesafe.config.Config;
import java.util.concurrent.TimeUnit;
import scala.Option;
import slick.jdbc.H2Profile$;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcBackend$;
import slick.jdbc.JdbcProfile;
import slick.jdbc.PostgresProfile$;
import slick.util.AsyncExecutor;
import slick.util.AsyncExecutor$;

/**
 * Serves the actor system's {@link JournalPool} (from its {@link JournalPoolSetup}) to every Akka Persistence JDBC
 * plugin, configured as {@code akka-persistence-jdbc.database-provider-fqcn}. Akka Persistence JDBC creates one
 * provider per actor system (its {@code SlickExtension}) and asks it for a database per plugin; they all get the same
 * one, whatever their own {@code slick} section says, so no plugin ever builds a pool of its own.
 *
 * <p>The plugins must not close it ({@code allowShutdown = false}): the pool is Sluice's and closes after the actor
 * system. Slick's executor (its threads run the JDBC calls, one per connection, so it never waits with a connection
 * idle) is closed when the actor system terminates.
 */
public final class SluiceSlickDatabaseProvider implements SlickDatabaseProvider {
  /** Slick's queue of waiting database actions; the plugin's own default. */
  private static final int QUEUE_SIZE = 10_000;

  private final SlickDatabase database;

  /** The signature Akka Persistence JDBC instantiates a provider with. */
  public SluiceSlickDatabaseProvider(ActorSystem system) {
    JournalPool pool = JournalPoolSetup.poolOf(system);
    int size = pool.maxSize();
    // As many threads as connections: Slick warns of deadlocks otherwise. A finite keep-alive: Slick turns it into
    // milliseconds and fails on an infinite one.
    AsyncExecutor executor = AsyncExecutor$.MODULE$.apply("sluice-" + pool.name(), size, size, QUEUE_SIZE, size,
        scala.concurrent.duration.Duration.create(1, TimeUnit.MINUTES), false);
    JdbcBackend.DatabaseDef db = JdbcBackend$.MODULE$.Database()
        .forDataSource(pool.dataSource(), Option.apply(size), executor, false);
    system.registerOnTermination(executor::close);
    JdbcProfile profile = switch (pool.vendor()) {
      case POSTGRESQL -> PostgresProfile$.MODULE$;
      case H2 -> H2Profile$.MODULE$;
    };
    this.database = new Shared(db, profile);
  }

  @Override
  public SlickDatabase database(Config pluginConfig) {
    return database;
  }

  private record Shared(JdbcBackend.DatabaseDef database, JdbcProfile profile) implements SlickDatabase {
    @Override
    public boolean allowShutdown() {
      return false;
    }
  }
}
