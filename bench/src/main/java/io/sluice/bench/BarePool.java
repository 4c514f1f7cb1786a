package io.sluice.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.UUID;

/** A bare HikariCP pool, configured the way the seed services had theirs: what Sluice is compared with. */
final class BarePool {
  private BarePool() {}

  static HikariDataSource open(int size, Duration connectionTimeout, String prefix) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(BenchDatabase.URL);
    config.setUsername(BenchDatabase.USER);
    config.setPassword(BenchDatabase.PASSWORD);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.addDataSourceProperty("ApplicationName", prefix + UUID.randomUUID().toString().substring(0, 8));
    return new HikariDataSource(config);
  }

  static String applicationName(HikariDataSource pool) {
    return pool.getDataSourceProperties().getProperty("ApplicationName");
  }
}
