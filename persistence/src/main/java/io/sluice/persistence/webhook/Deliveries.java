package io.sluice.persistence.webhook;

import io.sluice.persistence.DueWork;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.protocols.webhook.DeliveryState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads of {@code webhook_delivery}. Rows are written by the publication ({@link Messages#publish}) and by recorded
 * attempts ({@link Attempts#record}); listings page by message id, which is publication order, newest first.
 */
public final class Deliveries {
  private static final String COLUMNS = "endpoint_id, message_id, state, attempts, last_status, last_error,"
      + " next_attempt_at, created_at, updated_at";

  /** Where a page of dead letters across endpoints ends: the last row's message and endpoint. */
  public record DeadLetterCursor(String messageId, String endpointId) {}

  private Deliveries() {}

  /**
   * Every endpoint (of any workspace) with a PENDING delivery: read once at start-up, so that their entities wake and
   * resume. One scan of the table, not of the endpoints.
   */
  public static JdbcWork<List<String>> endpointsWithPending() {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT endpoint_id"
          + " FROM webhook_delivery WHERE state = ? ORDER BY endpoint_id")) {
        select.setString(1, DeliveryState.PENDING.name());
        return ids(select);
      }
    };
  }

  /**
   * The endpoints with a PENDING delivery due at {@code now}, and the earliest next attempt after {@code now}: what a
   * tick in serverless mode wakes, read in one unit of work.
   */
  public static JdbcWork<DueWork> dueWork(Instant now) {
    return connection -> {
      List<String> due;
      try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT endpoint_id"
          + " FROM webhook_delivery WHERE state = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
          + " ORDER BY endpoint_id")) {
        select.setString(1, DeliveryState.PENDING.name());
        Sql.setInstant(select, 2, now);
        due = ids(select);
      }
      try (PreparedStatement next = connection.prepareStatement("SELECT MIN(next_attempt_at) AS next_due"
          + " FROM webhook_delivery WHERE state = ? AND next_attempt_at > ?")) {
        next.setString(1, DeliveryState.PENDING.name());
        Sql.setInstant(next, 2, now);
        return new DueWork(due, DueWork.earliest(next));
      }
    };
  }

  /** The endpoint's PENDING message ids, oldest publication first, at most {@code limit}. */
  public static JdbcWork<List<String>> pendingIds(String endpointId, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT message_id FROM webhook_delivery"
          + " WHERE endpoint_id = ? AND state = ? ORDER BY message_id LIMIT ?")) {
        select.setString(1, endpointId);
        select.setString(2, DeliveryState.PENDING.name());
        select.setInt(3, limit);
        return ids(select);
      }
    };
  }

  /**
   * The last recorded attempt number of each of these messages at the endpoint; messages without a delivery there,
   * or never attempted, are absent. Asked in chunks, so any number of ids is fine.
   */
  public static JdbcWork<Map<String, Integer>> attemptCounts(String endpointId, Collection<String> messageIds) {
    return connection -> {
      List<String> all = List.copyOf(messageIds);
      Map<String, Integer> counts = new HashMap<>();
      for (int from = 0; from < all.size(); from += Messages.IDS_PER_QUERY) {
        List<String> chunk = all.subList(from, Math.min(all.size(), from + Messages.IDS_PER_QUERY));
        try (PreparedStatement select = connection.prepareStatement("SELECT message_id, attempts"
            + " FROM webhook_delivery WHERE endpoint_id = ? AND attempts > 0 AND message_id IN ("
            + Sql.placeholders(chunk.size()) + ")")) {
          select.setString(1, endpointId);
          for (int i = 0; i < chunk.size(); i++) {
            select.setString(i + 2, chunk.get(i));
          }
          try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
              counts.put(row.getString(1), row.getInt(2));
            }
          }
        }
      }
      return counts;
    };
  }

  /**
   * A page of the endpoint's deliveries, newest first, in one state or all, published before the message
   * {@code beforeMessageId} (null for the first page).
   */
  public static JdbcWork<List<DeliveryRow>> ofEndpoint(String endpointId, Optional<DeliveryState> state,
      String beforeMessageId, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_delivery"
          + " WHERE endpoint_id = ?" + (state.isPresent() ? " AND state = ?" : "")
          + (beforeMessageId == null ? "" : " AND message_id < ?") + " ORDER BY message_id DESC LIMIT ?")) {
        int index = 1;
        select.setString(index++, endpointId);
        if (state.isPresent()) {
          select.setString(index++, state.get().name());
        }
        if (beforeMessageId != null) {
          select.setString(index++, beforeMessageId);
        }
        select.setInt(index, limit);
        return rows(select);
      }
    };
  }

  /** The message's deliveries by endpoint id (one per endpoint it was fanned out to). */
  public static JdbcWork<List<DeliveryRow>> ofMessage(String messageId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_delivery"
          + " WHERE message_id = ? ORDER BY endpoint_id")) {
        select.setString(1, messageId);
        return rows(select);
      }
    };
  }

  /** Runs {@code work} in the same unit if the delivery exists; empty otherwise. */
  public static <T> JdbcWork<Optional<T>> ifPresent(String endpointId, String messageId, JdbcWork<T> work) {
    return connection -> find(endpointId, messageId).run(connection).isPresent()
        ? Optional.of(work.run(connection)) : Optional.empty();
  }

  /** One delivery. */
  public static JdbcWork<Optional<DeliveryRow>> find(String endpointId, String messageId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_delivery"
          + " WHERE endpoint_id = ? AND message_id = ?")) {
        select.setString(1, endpointId);
        select.setString(2, messageId);
        return rows(select).stream().findFirst();
      }
    };
  }

  /**
   * A page of the workspace's DEAD deliveries, newest message first, of one endpoint or all, after {@code cursor}
   * (null for the first page).
   */
  public static JdbcWork<List<DeliveryRow>> deadLetters(String workspaceId, Optional<String> endpointId,
      DeadLetterCursor cursor, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_delivery"
          + " WHERE workspace_id = ? AND state = ?" + (endpointId.isPresent() ? " AND endpoint_id = ?" : "")
          + (cursor == null ? "" : " AND (message_id < ? OR (message_id = ? AND endpoint_id < ?))")
          + " ORDER BY message_id DESC, endpoint_id DESC LIMIT ?")) {
        int index = 1;
        select.setString(index++, workspaceId);
        select.setString(index++, DeliveryState.DEAD.name());
        if (endpointId.isPresent()) {
          select.setString(index++, endpointId.get());
        }
        if (cursor != null) {
          select.setString(index++, cursor.messageId());
          select.setString(index++, cursor.messageId());
          select.setString(index++, cursor.endpointId());
        }
        select.setInt(index, limit);
        return rows(select);
      }
    };
  }

  /**
   * The ids of the endpoint's DEAD deliveries of messages published at or after {@code since}, oldest first, at
   * most {@code limit}: what "replay everything that failed since" hands to the endpoint's entity.
   */
  public static JdbcWork<List<String>> deadSince(String endpointId, Instant since, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT message_id FROM webhook_delivery"
          + " WHERE endpoint_id = ? AND state = ? AND created_at >= ? ORDER BY message_id LIMIT ?")) {
        select.setString(1, endpointId);
        select.setString(2, DeliveryState.DEAD.name());
        Sql.setInstant(select, 3, since);
        select.setInt(4, limit);
        return ids(select);
      }
    };
  }

  private static List<String> ids(PreparedStatement select) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        ids.add(row.getString(1));
      }
    }
    return ids;
  }

  private static List<DeliveryRow> rows(PreparedStatement select) throws SQLException {
    List<DeliveryRow> rows = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        rows.add(new DeliveryRow(row.getString("endpoint_id"), row.getString("message_id"),
            DeliveryState.valueOf(row.getString("state")), row.getInt("attempts"), Sql.nullableInt(row, "last_status"),
            row.getString("last_error"), Sql.instant(row, "next_attempt_at"), Sql.instant(row, "created_at"),
            Sql.instant(row, "updated_at")));
      }
    }
    return rows;
  }
}
