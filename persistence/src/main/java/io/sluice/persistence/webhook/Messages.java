package io.sluice.persistence.webhook;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.persistence.UniqueInsert;
import io.sluice.protocols.webhook.DeliveryState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The {@code webhook_message} table and the fan-out that publishes into it.
 *
 * <p><b>Idempotency.</b> A key is unique per workspace (a constraint, so two concurrent publications with one key
 * cannot both store). A key whose message is younger than the window makes the publication a duplicate: the first
 * message is answered and nothing is written. A key whose message is older is <i>released</i>: that old message
 * keeps its row and deliveries but its {@code idempotency_key} is set to NULL, in the same transaction that stores the
 * new message under the key. So the key always points at the latest message within the window, and old keys cost
 * nothing to look up. A concurrent publication that loses the unique race waits for the winner's commit and then
 * answers the winner's message as a duplicate.
 */
public final class Messages {
  static final String COLUMNS = "id, workspace_id, event_type, payload, idempotency_key, created_at";
  /** Ids per statement when reading messages by id. */
  static final int IDS_PER_QUERY = 500;

  private Messages() {}

  /**
   * Publishes {@code message} in one unit of work: unless its idempotency key was used since {@code windowStart}, it
   * is stored with one PENDING delivery (due at its creation) per enabled endpoint of its workspace whose filter
   * matches its type (paused endpoints included: their messages queue).
   */
  public static JdbcWork<Publication> publish(MessageRow message, Instant windowStart) {
    return connection -> {
      if (message.idempotencyKey() != null) {
        Optional<MessageRow> first = byKey(connection, message.workspaceId(), message.idempotencyKey());
        if (first.isPresent() && first.get().createdAt().isAfter(windowStart)) {
          return duplicate(connection, first.get());
        }
        if (first.isPresent()) {
          release(connection, first.get().id());
        }
      }
      if (!insert(connection, message)) {
        // Another publication stored the key since the read above, and has committed (the insert waited for it).
        return duplicate(connection, byKey(connection, message.workspaceId(), message.idempotencyKey())
            .orElseThrow(() -> new SQLException("idempotency key taken but its message is gone")));
      }
      List<String> endpoints = matchingEndpoints(connection, message.workspaceId(), message.eventType());
      insertDeliveries(connection, message, endpoints);
      return new Publication(message, endpoints, endpoints.size(), false);
    };
  }

  /** {@link #publish} if the message's type is built in or the workspace's own; empty, storing nothing, if not. */
  public static JdbcWork<Optional<Publication>> publishKnown(MessageRow message, Instant windowStart) {
    return connection -> EventTypes.unknown(message.workspaceId(), List.of(message.eventType())).run(connection)
        .isEmpty() ? Optional.of(publish(message, windowStart).run(connection)) : Optional.empty();
  }

  /**
   * {@link #publishKnown} for a group of messages in one unit of work, in a few statements for the whole group (see
   * {@link GroupPublication}). Messages later in the list see the earlier ones (a repeated key within the group is a
   * duplicate of its first use). One result per message, in order.
   */
  public static JdbcWork<List<Optional<Publication>>> publishAllKnown(List<MessageRow> messages,
      Instant windowStart) {
    return connection -> new GroupPublication(connection, windowStart).publish(messages);
  }

  /** The workspace's message with its deliveries by endpoint; empty when the workspace has no such message. */
  public static JdbcWork<Optional<MessageDeliveries>> withDeliveries(String workspaceId, String messageId) {
    return connection -> {
      Optional<MessageRow> message = find(workspaceId, messageId).run(connection);
      return message.isEmpty() ? Optional.empty()
          : Optional.of(new MessageDeliveries(message.get(), Deliveries.ofMessage(messageId).run(connection)));
    };
  }

  /** A message and its deliveries. */
  public record MessageDeliveries(MessageRow message, List<DeliveryRow> deliveries) {}

  /** The message if it belongs to the workspace. */
  public static JdbcWork<Optional<MessageRow>> find(String workspaceId, String messageId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_message"
          + " WHERE id = ? AND workspace_id = ?")) {
        select.setString(1, messageId);
        select.setString(2, workspaceId);
        return rows(select).stream().findFirst();
      }
    };
  }

  /** The stored messages among {@code ids}, whatever their workspace (for the delivery entities). */
  public static JdbcWork<List<MessageRow>> byIds(Collection<String> ids) {
    return connection -> {
      List<String> all = List.copyOf(ids);
      List<MessageRow> found = new ArrayList<>(all.size());
      for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
        List<String> chunk = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY));
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_message"
            + " WHERE id IN (" + Sql.placeholders(chunk.size()) + ")")) {
          for (int i = 0; i < chunk.size(); i++) {
            select.setString(i + 1, chunk.get(i));
          }
          found.addAll(rows(select));
        }
      }
      return found;
    };
  }

  static Publication duplicate(Connection connection, MessageRow first) throws SQLException {
    List<String> pending = new ArrayList<>();
    int deliveries = 0;
    try (PreparedStatement select = connection.prepareStatement("SELECT endpoint_id, state FROM webhook_delivery"
        + " WHERE message_id = ? ORDER BY endpoint_id")) {
      select.setString(1, first.id());
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          deliveries++;
          if (DeliveryState.PENDING.name().equals(row.getString("state"))) {
            pending.add(row.getString("endpoint_id"));
          }
        }
      }
    }
    return new Publication(first, pending, deliveries, true);
  }

  private static Optional<MessageRow> byKey(Connection connection, String workspaceId, String key)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_message"
        + " WHERE workspace_id = ? AND idempotency_key = ?")) {
      select.setString(1, workspaceId);
      select.setString(2, key);
      return rows(select).stream().findFirst();
    }
  }

  static void release(Connection connection, String messageId) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_message SET idempotency_key = NULL"
        + " WHERE id = ?")) {
      update.setString(1, messageId);
      update.executeUpdate();
    }
  }

  private static boolean insert(Connection connection, MessageRow message) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_MESSAGE)) {
      bindMessage(insert, message);
      return UniqueInsert.unlessPresent(connection, insert);
    }
  }

  /** One message row, bound by {@link #bindMessage}. */
  static final String INSERT_MESSAGE = "INSERT INTO webhook_message (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";

  static void bindMessage(PreparedStatement insert, MessageRow message) throws SQLException {
    insert.setString(1, message.id());
    insert.setString(2, message.workspaceId());
    insert.setString(3, message.eventType());
    insert.setString(4, message.payload());
    insert.setString(5, message.idempotencyKey());
    Sql.setInstant(insert, 6, message.createdAt());
  }

  /** The enabled endpoints without a filter or whose filter holds the type, by id. */
  static List<String> matchingEndpoints(Connection connection, String workspaceId, String eventType)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT e.id FROM webhook_endpoint e"
        + " WHERE e.workspace_id = ? AND e.enabled = ?"
        + " AND (NOT EXISTS (SELECT 1 FROM webhook_endpoint_event_type f WHERE f.endpoint_id = e.id)"
        + " OR EXISTS (SELECT 1 FROM webhook_endpoint_event_type f WHERE f.endpoint_id = e.id AND f.event_type = ?))"
        + " ORDER BY e.id")) {
      select.setString(1, workspaceId);
      select.setBoolean(2, true);
      select.setString(3, eventType);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          ids.add(row.getString(1));
        }
      }
    }
    return ids;
  }

  static void insertDeliveries(Connection connection, MessageRow message, List<String> endpoints)
      throws SQLException {
    if (endpoints.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_DELIVERY)) {
      for (String endpoint : endpoints) {
        addDelivery(insert, endpoint, message);
      }
      insert.executeBatch();
    }
  }

  /** One PENDING delivery of a new message, due at its publication. */
  static final String INSERT_DELIVERY = "INSERT INTO webhook_delivery (endpoint_id, message_id, workspace_id, state,"
      + " attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)";

  /** Adds the delivery of {@code message} to {@code endpoint} to the batch of an {@link #INSERT_DELIVERY}. */
  static void addDelivery(PreparedStatement insert, String endpoint, MessageRow message) throws SQLException {
    insert.setString(1, endpoint);
    insert.setString(2, message.id());
    insert.setString(3, message.workspaceId());
    insert.setString(4, DeliveryState.PENDING.name());
    Sql.setInstant(insert, 5, message.createdAt());
    Sql.setInstant(insert, 6, message.createdAt());
    Sql.setInstant(insert, 7, message.createdAt());
    insert.addBatch();
  }

  static List<MessageRow> rows(PreparedStatement select) throws SQLException {
    List<MessageRow> rows = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        rows.add(new MessageRow(row.getString("id"), row.getString("workspace_id"), row.getString("event_type"),
            row.getString("payload"), row.getString("idempotency_key"), Sql.instant(row, "created_at")));
      }
    }
    return rows;
  }
}
