package io.sluice.persistence.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.persistence.Migrations;
import io.sluice.persistence.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webhook tables on the real PostgreSQL the tests use ({@code SLUICE_TEST_DB_URL}), plus a race of one key. */
class WebhookTablesOnPostgresTest extends WebhookTablesContract {

  @BeforeAll
  static void migrate() {
    Migrations.run(TestPostgres.database(true));
  }

  @Override
  protected Connection connect() throws SQLException {
    return TestPostgres.observer();
  }

  @Test
  void twoConcurrentPublicationsOfOneKeyStoreOneMessage() throws Exception {
    created(List.of());
    int racers = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<Publication>> results = new java.util.ArrayList<>();
      for (int i = 0; i < racers; i++) {
        MessageRow message = message("lead.hot", "race", Instant.now());
        results.add(pool.submit(() -> {
          start.await();
          return run(Messages.publish(message, message.createdAt().minus(WINDOW)));
        }));
      }
      start.countDown();
      List<Publication> publications = new java.util.ArrayList<>();
      for (Future<Publication> result : results) {
        publications.add(result.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, publications.stream().filter(p -> !p.duplicate()).count());
      assertEquals(1, publications.stream().map(p -> p.message().id()).distinct().count());
      assertEquals(1, count("SELECT count(*) FROM webhook_message WHERE workspace_id = ?", workspace));
      assertEquals(1, count("SELECT count(*) FROM webhook_delivery WHERE workspace_id = ?", workspace));
    } finally {
      pool.shutdownNow();
    }
  }
}
