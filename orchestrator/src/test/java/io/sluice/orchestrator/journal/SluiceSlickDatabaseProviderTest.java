package io.sluice.orchestrator.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.actor.BootstrapSetup;
import akka.persistence.jdbc.db.SlickDatabase;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.DatabaseSettings;
import io.sluice.config.JournalPoolSettings;
import io.sluice.persistence.journal.JournalPool;
import io.sluice.persistence.journal.JournalPoolSetup;
import io.sluice.persistence.journal.SluiceSlickDatabaseProvider;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import scala.concurrent.Await;
import slick.jdbc.H2Profile$;

/**
 * The provider hands every plugin the system's own journal pool, and neither it nor the plugins may close it. (Here
 * rather than in the persistence module: an actor system needs the Jackson that the service's class path resolves.)
 */
class SluiceSlickDatabaseProviderTest {

  private static JournalPool openOnH2() {
    return JournalPool.open(
        new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, false),
        new JournalPoolSettings("journal", "sluice-journal", 2, Duration.ofSeconds(30), Duration.ofSeconds(5)));
  }

  /** Akka's defaults only: the provider needs nothing from the configuration, and the test no cluster or journal. */
  private static final com.typesafe.config.Config AKKA_DEFAULTS = ConfigFactory.defaultReference();

  private static void terminate(ActorSystem system) throws Exception {
    Await.result(system.terminate(), scala.concurrent.duration.Duration.create(20, TimeUnit.SECONDS));
  }

  @Test
  void everyPluginGetsTheSameDatabaseOverThePoolWhichOutlivesTheSystem() throws Exception {
    try (JournalPool pool = openOnH2()) {
      ActorSystem system = ActorSystem.create("provider-test",
          BootstrapSetup.create(AKKA_DEFAULTS).and(JournalPoolSetup.of(pool)));
      SlickDatabase journal;
      try {
        SluiceSlickDatabaseProvider provider = new SluiceSlickDatabaseProvider(system);
        journal = provider.database(ConfigFactory.parseString("slick.db.url = \"jdbc:h2:mem:elsewhere\""));
        assertSame(journal, provider.database(ConfigFactory.empty()), "one database for every plugin");
        assertSame(H2Profile$.MODULE$, journal.profile(), "the profile follows the pool's URL");
        assertFalse(journal.allowShutdown(), "no plugin may close Sluice's pool");
        long before = pool.borrows();
        try (Connection connection = journal.database().source().createConnection()) {
          assertTrue(connection.isValid(1));
        }
        assertEquals(before + 1, pool.borrows(), "Slick borrows through the journal pool");
      } finally {
        terminate(system);
      }
      try (Connection connection = journal.database().source().createConnection()) {
        assertTrue(connection.isValid(1), "the pool is still open after the system terminated");
      }
    }
  }

  @Test
  void aSystemCreatedWithoutAJournalPoolIsRefusedByName() throws Exception {
    ActorSystem system = ActorSystem.create("no-journal-pool", AKKA_DEFAULTS);
    try {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> new SluiceSlickDatabaseProvider(system));
      assertTrue(refused.getMessage().contains("'no-journal-pool' was created without a JournalPoolSetup"),
          refused.getMessage());
    } finally {
      terminate(system);
    }
  }
}
