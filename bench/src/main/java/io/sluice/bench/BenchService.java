package io.sluice.bench;

import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.Sluice;
import io.sluice.orchestrator.schedule.ScheduledJobs;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole service started in a runner's JVM on the PostgreSQL the runners measure against: HTTP and cluster on free
 * ports, an admin key and no first key, each pool's connections named so that {@code pg_stat_activity} can count them,
 * files under {@code bench/target}; the runner's own settings on top.
 */
final class BenchService {
  static final String ADMIN_KEY = "bench-admin-key-0123456789abcdef0123456789";

  private BenchService() {}

  static Sluice start(String dbApplicationName, String journalApplicationName, Map<String, String> settings)
      throws Exception {
    return start(dbApplicationName, journalApplicationName, settings, ScheduledJobs.none());
  }

  /** {@link #start(String, String, Map)} with jobs registered in code, which {@code run-job} schedules may name. */
  static Sluice start(String dbApplicationName, String journalApplicationName, Map<String, String> settings,
      ScheduledJobs jobs) throws Exception {
    Map<String, String> config = new HashMap<>(Map.ofEntries(
        Map.entry("sluice.database.url", BenchDatabase.URL),
        Map.entry("sluice.database.user", BenchDatabase.USER),
        Map.entry("sluice.database.password", BenchDatabase.PASSWORD),
        Map.entry("sluice.pools.db.application-name", dbApplicationName),
        Map.entry("sluice.pools.journal.application-name", journalApplicationName),
        Map.entry("sluice.http.port", "0"),
        Map.entry("sluice.cluster.port", "0"),
        Map.entry("sluice.http.admin-key", ADMIN_KEY),
        Map.entry("sluice.bootstrap.create-first-key", "false"),
        Map.entry("sluice.email.outbox-dir", "bench/target/outbox"),
        Map.entry("sluice.email.spool-dir", "bench/target/spool")));
    config.putAll(settings);
    return Sluice.start(ConfigFactory.parseMap(config).withFallback(ConfigFactory.load()), jobs);
  }
}
