package io.sluice.persistence.webhook;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.protocols.webhook.AttemptOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code webhook_attempt}: recording finished attempts with their deliveries' new states, and reading them. */
public final class Attempts {
  /** The capacity of {@code response_prefix}; a longer prefix is cut here. */
  public static final int RESPONSE_PREFIX_COLUMN = 65_536;
  /** The capacity of {@code error} and {@code last_error}. */
  public static final int ERROR_COLUMN = 2000;

  private static final String COLUMNS = "endpoint_id, message_id, attempt_number, started_at, kind, status,"
      + " latency_ms, response_prefix, error";

  private Attempts() {}

  /**
   * Records the attempts and moves their deliveries, in JDBC batches within the caller's one transaction.
   * Idempotent: an attempt already stored (same endpoint, message and number) is not stored again, and a delivery
   * takes the state of an attempt only if no later attempt of it was recorded, so recording a batch twice, or an old
   * batch after a newer one, changes nothing. An attempt whose delivery is gone (its endpoint was deleted meanwhile)
   * is dropped. Answers how many attempts were newly stored.
   */
  public static JdbcWork<Integer> record(List<RecordedAttempt> attempts, Instant now) {
    return connection -> {
      if (attempts.isEmpty()) {
        return 0;
      }
      try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_delivery SET state = ?,"
          + " attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ?, updated_at = ?"
          + " WHERE endpoint_id = ? AND message_id = ? AND attempts <= ?")) {
        for (RecordedAttempt recorded : attempts) {
          AttemptRow attempt = recorded.attempt();
          update.setString(1, recorded.stateAfter().name());
          update.setInt(2, attempt.attemptNumber());
          update.setInt(3, attempt.status());
          update.setString(4, cut(attempt.error(), ERROR_COLUMN));
          Sql.setInstant(update, 5, recorded.nextAttemptAt());
          Sql.setInstant(update, 6, now);
          update.setString(7, attempt.endpointId());
          update.setString(8, attempt.messageId());
          update.setInt(9, attempt.attemptNumber());
          update.addBatch();
        }
        update.executeBatch();
      }
      int stored = 0;
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_attempt (" + COLUMNS + ")"
          + " SELECT d.endpoint_id, d.message_id, CAST(? AS INTEGER), CAST(? AS TIMESTAMP WITH TIME ZONE),"
          + " CAST(? AS VARCHAR(16)), CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS VARCHAR(65536)),"
          + " CAST(? AS VARCHAR(2000))"
          + " FROM webhook_delivery d WHERE d.endpoint_id = ? AND d.message_id = ? AND NOT EXISTS ("
          + "SELECT 1 FROM webhook_attempt a WHERE a.endpoint_id = d.endpoint_id AND a.message_id = d.message_id"
          + " AND a.attempt_number = ?)")) {
        for (RecordedAttempt recorded : attempts) {
          AttemptRow attempt = recorded.attempt();
          insert.setInt(1, attempt.attemptNumber());
          Sql.setInstant(insert, 2, attempt.startedAt());
          insert.setString(3, attempt.kind().name());
          insert.setInt(4, attempt.status());
          insert.setLong(5, attempt.latencyMillis());
          insert.setString(6, cut(attempt.responsePrefix() == null ? "" : attempt.responsePrefix(),
              RESPONSE_PREFIX_COLUMN));
          insert.setString(7, cut(attempt.error(), ERROR_COLUMN));
          insert.setString(8, attempt.endpointId());
          insert.setString(9, attempt.messageId());
          insert.setInt(10, attempt.attemptNumber());
          insert.addBatch();
        }
        for (int count : insert.executeBatch()) {
          stored += Math.max(count, 0);
        }
      }
      return stored;
    };
  }

  /** A page of one delivery's attempts in order, after attempt {@code afterNumber} (0 for the first page). */
  public static JdbcWork<List<AttemptRow>> of(String endpointId, String messageId, int afterNumber, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_attempt"
          + " WHERE endpoint_id = ? AND message_id = ? AND attempt_number > ? ORDER BY attempt_number LIMIT ?")) {
        select.setString(1, endpointId);
        select.setString(2, messageId);
        select.setInt(3, afterNumber);
        select.setInt(4, limit);
        List<AttemptRow> rows = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            rows.add(new AttemptRow(row.getString("endpoint_id"), row.getString("message_id"),
                row.getInt("attempt_number"), Sql.instant(row, "started_at"),
                AttemptOutcome.Kind.valueOf(row.getString("kind")), row.getInt("status"), row.getLong("latency_ms"),
                row.getString("response_prefix"), row.getString("error")));
          }
        }
        return rows;
      }
    };
  }

  private static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
