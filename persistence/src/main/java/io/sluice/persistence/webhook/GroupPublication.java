package io.sluice.persistence.webhook;

import io.sluice.persistence.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A group of publications in one transaction and a handful of statements for the whole group, whatever its size: the
 * event types checked once per workspace, the idempotency keys looked up once per workspace, the matching endpoints
 * read once per (workspace, type), then every new message and every delivery inserted in one JDBC batch each. The
 * rules are {@link Messages#publish}'s: a key used since the window start is a duplicate (answered with the first
 * message, nothing written), an older key is released, a repeated key within the group is a duplicate of its first
 * use, and an unknown type stores nothing.
 *
 * <p>Another transaction taking one of the group's keys meanwhile makes the message batch fail on the unique
 * constraint; the caller then publishes the group one message at a time, where that race is handled.
 */
final class GroupPublication {
  private final Connection connection;
  private final Instant windowStart;
  private final Map<String, Boolean> unknownTypes = new HashMap<>();
  private final Map<String, List<String>> endpointsByType = new HashMap<>();

  GroupPublication(Connection connection, Instant windowStart) {
    this.connection = connection;
    this.windowStart = windowStart;
  }

  List<Optional<Publication>> publish(List<MessageRow> messages) throws SQLException {
    Map<String, Map<String, MessageRow>> stored = storedKeys(messages);
    List<Optional<Publication>> results = new ArrayList<>(messages.size());
    Map<String, MessageRow> keysInGroup = new HashMap<>();
    List<MessageRow> inserts = new ArrayList<>();
    for (MessageRow message : messages) {
      if (unknown(message)) {
        results.add(Optional.empty());
        continue;
      }
      String key = message.idempotencyKey();
      if (key != null) {
        MessageRow earlier = keysInGroup.get(message.workspaceId() + '\n' + key);
        if (earlier != null) {
          results.add(Optional.of(new Publication(earlier, matching(earlier), matching(earlier).size(), true)));
          continue;
        }
        MessageRow first = stored.getOrDefault(message.workspaceId(), Map.of()).get(key);
        if (first != null && first.createdAt().isAfter(windowStart)) {
          results.add(Optional.of(Messages.duplicate(connection, first)));
          continue;
        }
        if (first != null) {
          Messages.release(connection, first.id());
        }
        keysInGroup.put(message.workspaceId() + '\n' + key, message);
      }
      inserts.add(message);
      List<String> endpoints = matching(message);
      results.add(Optional.of(new Publication(message, endpoints, endpoints.size(), false)));
    }
    insertMessages(inserts);
    insertDeliveries(inserts);
    return results;
  }

  /** Whether the message's type is neither built in nor the workspace's own; asked once per (workspace, type). */
  private boolean unknown(MessageRow message) throws SQLException {
    String workspaceType = message.workspaceId() + '\n' + message.eventType();
    Boolean unknown = unknownTypes.get(workspaceType);
    if (unknown == null) {
      unknown = !EventTypes.unknown(message.workspaceId(), List.of(message.eventType())).run(connection).isEmpty();
      unknownTypes.put(workspaceType, unknown);
    }
    return unknown;
  }

  /** The enabled endpoints the message fans out to, read once per (workspace, type) of the group. */
  private List<String> matching(MessageRow message) throws SQLException {
    String workspaceType = message.workspaceId() + '\n' + message.eventType();
    List<String> endpoints = endpointsByType.get(workspaceType);
    if (endpoints == null) {
      endpoints = Messages.matchingEndpoints(connection, message.workspaceId(), message.eventType());
      endpointsByType.put(workspaceType, endpoints);
    }
    return endpoints;
  }

  /** The stored messages under the group's keys, by workspace and key: one query per workspace. */
  private Map<String, Map<String, MessageRow>> storedKeys(List<MessageRow> messages) throws SQLException {
    Map<String, Set<String>> keysByWorkspace = new LinkedHashMap<>();
    for (MessageRow message : messages) {
      if (message.idempotencyKey() != null) {
        keysByWorkspace.computeIfAbsent(message.workspaceId(), workspace -> new HashSet<>())
            .add(message.idempotencyKey());
      }
    }
    Map<String, Map<String, MessageRow>> stored = new HashMap<>();
    for (Map.Entry<String, Set<String>> workspace : keysByWorkspace.entrySet()) {
      List<String> keys = List.copyOf(workspace.getValue());
      Map<String, MessageRow> byKey = new HashMap<>();
      for (int from = 0; from < keys.size(); from += Messages.IDS_PER_QUERY) {
        List<String> chunk = keys.subList(from, Math.min(keys.size(), from + Messages.IDS_PER_QUERY));
        try (PreparedStatement select = connection.prepareStatement("SELECT " + Messages.COLUMNS
            + " FROM webhook_message WHERE workspace_id = ? AND idempotency_key IN ("
            + Sql.placeholders(chunk.size()) + ")")) {
          select.setString(1, workspace.getKey());
          for (int i = 0; i < chunk.size(); i++) {
            select.setString(i + 2, chunk.get(i));
          }
          for (MessageRow row : Messages.rows(select)) {
            byKey.put(row.idempotencyKey(), row);
          }
        }
      }
      stored.put(workspace.getKey(), byKey);
    }
    return stored;
  }

  private void insertMessages(List<MessageRow> messages) throws SQLException {
    if (messages.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(Messages.INSERT_MESSAGE)) {
      for (MessageRow message : messages) {
        Messages.bindMessage(insert, message);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private void insertDeliveries(List<MessageRow> messages) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(Messages.INSERT_DELIVERY)) {
      int rows = 0;
      for (MessageRow message : messages) {
        for (String endpoint : matching(message)) {
          Messages.addDelivery(insert, endpoint, message);
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }
}
