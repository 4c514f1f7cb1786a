package io.sluice.persistence.webhook;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.DeliveryState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * An endpoint's statistics: over the attempts started in a window, how many succeeded and the latency percentiles;
 * and its deliveries by state, all time.
 *
 * <p>Computed in SQL, in one statement per part: the attempts of the window are a range of the
 * {@code (endpoint_id, started_at)} index, and the percentiles are {@code PERCENTILE_DISC ... WITHIN GROUP}
 * (PostgreSQL and H2 both have it), so no attempt crosses to the service. Percentiles are over every attempt of the
 * window, failures included (a timeout counts with the time it waited), and are actual latencies (discrete), not
 * interpolations.
 *
 * @param attempts attempts started in the window
 * @param delivered those that got a 2xx
 * @param successRate delivered / attempts; null without attempts
 * @param p50Millis null without attempts, as are p95 and p99
 */
public record EndpointStats(Instant since, long attempts, long delivered, Double successRate, Long p50Millis,
    Long p95Millis, Long p99Millis, Map<DeliveryState, Long> deliveries) {

  /** The endpoint's statistics for the attempts started at or after {@code since}. */
  public static JdbcWork<EndpointStats> of(String endpointId, Instant since) {
    return connection -> {
      long attempts;
      long delivered;
      Long p50;
      Long p95;
      Long p99;
      try (PreparedStatement select = connection.prepareStatement("SELECT count(*),"
          + " coalesce(sum(CASE WHEN kind = ? THEN 1 ELSE 0 END), 0),"
          + " percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms),"
          + " percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms),"
          + " percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms)"
          + " FROM webhook_attempt WHERE endpoint_id = ? AND started_at >= ?")) {
        select.setString(1, AttemptOutcome.Kind.DELIVERED.name());
        select.setString(2, endpointId);
        Sql.setInstant(select, 3, since);
        try (ResultSet row = select.executeQuery()) {
          row.next();
          attempts = row.getLong(1);
          delivered = row.getLong(2);
          p50 = nullableLong(row, 3);
          p95 = nullableLong(row, 4);
          p99 = nullableLong(row, 5);
        }
      }
      Map<DeliveryState, Long> deliveries = new EnumMap<>(DeliveryState.class);
      for (DeliveryState state : DeliveryState.values()) {
        deliveries.put(state, 0L);
      }
      try (PreparedStatement select = connection.prepareStatement("SELECT state, count(*) FROM webhook_delivery"
          + " WHERE endpoint_id = ? GROUP BY state")) {
        select.setString(1, endpointId);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            deliveries.put(DeliveryState.valueOf(row.getString(1)), row.getLong(2));
          }
        }
      }
      return new EndpointStats(since, attempts, delivered, attempts == 0 ? null : (double) delivered / attempts,
          p50, p95, p99, deliveries);
    };
  }

  private static Long nullableLong(ResultSet row, int column) throws java.sql.SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }
}
