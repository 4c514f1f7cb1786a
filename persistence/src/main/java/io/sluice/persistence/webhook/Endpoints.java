package io.sluice.persistence.webhook;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.protocols.webhook.DeliveryOrdering;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code webhook_endpoint} table and its filter rows ({@code webhook_endpoint_event_type}). Every query the API
 * makes is scoped by workspace in SQL, so an endpoint of another workspace is simply not found; only the delivery
 * side ({@link #find(String)}, {@link #disable}) reads by id alone.
 */
public final class Endpoints {
  private static final String COLUMNS = "id, workspace_id, url, description, secret, previous_secret,"
      + " previous_secret_expires_at, enabled, disabled_reason, paused, max_concurrency, rate_limit, ordering,"
      + " created_at, updated_at";

  private Endpoints() {}

  /** Inserts the endpoint and its filter. */
  public static JdbcWork<EndpointRow> create(EndpointRow endpoint) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_endpoint (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, endpoint.id());
        insert.setString(2, endpoint.workspaceId());
        insert.setString(3, endpoint.url());
        insert.setString(4, endpoint.description());
        insert.setString(5, endpoint.secret());
        insert.setString(6, endpoint.previousSecret());
        Sql.setInstant(insert, 7, endpoint.previousSecretExpiresAt());
        insert.setBoolean(8, endpoint.enabled());
        insert.setString(9, endpoint.disabledReason());
        insert.setBoolean(10, endpoint.paused());
        insert.setInt(11, endpoint.maxConcurrency());
        insert.setInt(12, endpoint.rateLimit());
        insert.setString(13, endpoint.ordering().name());
        Sql.setInstant(insert, 14, endpoint.createdAt());
        Sql.setInstant(insert, 15, endpoint.updatedAt());
        insert.executeUpdate();
      }
      writeFilter(connection, endpoint.id(), endpoint.eventTypes());
      return endpoint;
    };
  }

  /**
   * Inserts the endpoint unless its filter names an event type the workspace does not know; answers those types
   * (empty when the endpoint was stored).
   */
  public static JdbcWork<List<String>> createKnown(EndpointRow endpoint) {
    return connection -> {
      List<String> unknown = EventTypes.unknown(endpoint.workspaceId(), endpoint.eventTypes()).run(connection);
      if (unknown.isEmpty()) {
        create(endpoint).run(connection);
      }
      return unknown;
    };
  }

  /** {@link #update} unless the filter names an unknown event type, which changes nothing. */
  public static JdbcWork<EndpointWrite> updateKnown(EndpointRow endpoint) {
    return connection -> {
      List<String> unknown = EventTypes.unknown(endpoint.workspaceId(), endpoint.eventTypes()).run(connection);
      return new EndpointWrite(!unknown.isEmpty() || update(endpoint).run(connection), unknown);
    };
  }

  /** What {@link #updateKnown} did: whether the endpoint was found, and the unknown types that stopped it. */
  public record EndpointWrite(boolean found, List<String> unknownEventTypes) {}

  /** Runs {@code work} in the same unit if the workspace has the endpoint; empty otherwise. */
  public static <T> JdbcWork<Optional<T>> ifOwned(String workspaceId, String endpointId, JdbcWork<T> work) {
    return connection -> find(workspaceId, endpointId).run(connection).isPresent()
        ? Optional.of(work.run(connection)) : Optional.empty();
  }

  /** The endpoint if it belongs to the workspace. */
  public static JdbcWork<Optional<EndpointRow>> find(String workspaceId, String endpointId) {
    return connection -> select(connection, "workspace_id = ? AND id = ?", workspaceId, endpointId, 1)
        .stream().findFirst();
  }

  /** The endpoint whatever its workspace: for its delivery entity. */
  public static JdbcWork<Optional<EndpointRow>> find(String endpointId) {
    return connection -> select(connection, "id = ?", endpointId, null, 1).stream().findFirst();
  }

  /** A page of the workspace's endpoints in creation order, after {@code afterId} (null for the first page). */
  public static JdbcWork<List<EndpointRow>> list(String workspaceId, String afterId, int limit) {
    return connection -> select(connection, "workspace_id = ? AND id > ?", workspaceId,
        afterId == null ? "" : afterId, limit);
  }

  /**
   * Writes the changeable fields (url, description, filter, enabled and its reason, max concurrency, rate limit,
   * ordering, updated_at); secrets, paused and created_at are left alone. False when the workspace has no such
   * endpoint.
   */
  public static JdbcWork<Boolean> update(EndpointRow endpoint) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_endpoint SET url = ?,"
          + " description = ?, enabled = ?, disabled_reason = ?, max_concurrency = ?, rate_limit = ?, ordering = ?,"
          + " updated_at = ? WHERE id = ? AND workspace_id = ?")) {
        update.setString(1, endpoint.url());
        update.setString(2, endpoint.description());
        update.setBoolean(3, endpoint.enabled());
        update.setString(4, endpoint.disabledReason());
        update.setInt(5, endpoint.maxConcurrency());
        update.setInt(6, endpoint.rateLimit());
        update.setString(7, endpoint.ordering().name());
        Sql.setInstant(update, 8, endpoint.updatedAt());
        update.setString(9, endpoint.id());
        update.setString(10, endpoint.workspaceId());
        if (update.executeUpdate() == 0) {
          return false;
        }
      }
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM webhook_endpoint_event_type"
          + " WHERE endpoint_id = ?")) {
        delete.setString(1, endpoint.id());
        delete.executeUpdate();
      }
      writeFilter(connection, endpoint.id(), endpoint.eventTypes());
      return true;
    };
  }

  /** Deletes the endpoint with its filter, deliveries and attempts (the messages stay); false when not found. */
  public static JdbcWork<Boolean> delete(String workspaceId, String endpointId) {
    return connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM webhook_endpoint WHERE id = ?"
          + " AND workspace_id = ?")) {
        delete.setString(1, endpointId);
        delete.setString(2, workspaceId);
        return delete.executeUpdate() == 1;
      }
    };
  }

  /**
   * Makes {@code newSecret} current; the current one becomes the previous secret, signing until
   * {@code previousExpiresAt} (a previous one still in its overlap is dropped: two secrets at most). Answers the
   * rotated endpoint, empty when the workspace has no such endpoint.
   */
  public static JdbcWork<Optional<EndpointRow>> rotate(String workspaceId, String endpointId, String newSecret,
      Instant previousExpiresAt, Instant now) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_endpoint"
          + " SET previous_secret = secret, previous_secret_expires_at = ?, secret = ?, updated_at = ?"
          + " WHERE id = ? AND workspace_id = ?")) {
        Sql.setInstant(update, 1, previousExpiresAt);
        update.setString(2, newSecret);
        Sql.setInstant(update, 3, now);
        update.setString(4, endpointId);
        update.setString(5, workspaceId);
        return update.executeUpdate() == 1 ? find(workspaceId, endpointId).run(connection) : Optional.empty();
      }
    };
  }

  /** Pauses or resumes deliveries; answers the changed endpoint, empty when the workspace has no such endpoint. */
  public static JdbcWork<Optional<EndpointRow>> setPaused(String workspaceId, String endpointId, boolean paused, Instant now) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_endpoint SET paused = ?,"
          + " updated_at = ? WHERE id = ? AND workspace_id = ?")) {
        update.setBoolean(1, paused);
        Sql.setInstant(update, 2, now);
        update.setString(3, endpointId);
        update.setString(4, workspaceId);
        return update.executeUpdate() == 1 ? find(workspaceId, endpointId).run(connection) : Optional.empty();
      }
    };
  }

  /** Disables an enabled endpoint with the reason; false when it was already disabled or is gone. */
  public static JdbcWork<Boolean> disable(String endpointId, String reason, Instant now) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_endpoint SET enabled = ?,"
          + " disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = ?")) {
        update.setBoolean(1, false);
        update.setString(2, reason);
        Sql.setInstant(update, 3, now);
        update.setString(4, endpointId);
        update.setBoolean(5, true);
        return update.executeUpdate() == 1;
      }
    };
  }

  private static void writeFilter(Connection connection, String endpointId, List<String> eventTypes)
      throws SQLException {
    if (eventTypes.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_endpoint_event_type"
        + " (endpoint_id, event_type) VALUES (?, ?)")) {
      for (String type : eventTypes) {
        insert.setString(1, endpointId);
        insert.setString(2, type);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Rows matching {@code where} (one or two bound strings), by id, with their filters. */
  private static List<EndpointRow> select(Connection connection, String where, String first, String second,
      int limit) throws SQLException {
    List<EndpointRow> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhook_endpoint"
        + " WHERE " + where + " ORDER BY id LIMIT ?")) {
      int index = 1;
      select.setString(index++, first);
      if (second != null) {
        select.setString(index++, second);
      }
      select.setInt(index, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          rows.add(new EndpointRow(row.getString("id"), row.getString("workspace_id"), row.getString("url"),
              row.getString("description"), List.of(), row.getString("secret"), row.getString("previous_secret"),
              Sql.instant(row, "previous_secret_expires_at"), row.getBoolean("enabled"),
              row.getString("disabled_reason"), row.getBoolean("paused"), row.getInt("max_concurrency"),
              row.getInt("rate_limit"), DeliveryOrdering.valueOf(row.getString("ordering")),
              Sql.instant(row, "created_at"), Sql.instant(row, "updated_at")));
        }
      }
    }
    return withFilters(connection, rows);
  }

  private static List<EndpointRow> withFilters(Connection connection, List<EndpointRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return rows;
    }
    Map<String, List<String>> filters = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT endpoint_id, event_type"
        + " FROM webhook_endpoint_event_type WHERE endpoint_id IN (" + Sql.placeholders(rows.size()) + ")")) {
      for (int i = 0; i < rows.size(); i++) {
        select.setString(i + 1, rows.get(i).id());
      }
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          filters.computeIfAbsent(row.getString(1), id -> new ArrayList<>()).add(row.getString(2));
        }
      }
    }
    return rows.stream().map(endpoint -> new EndpointRow(endpoint.id(), endpoint.workspaceId(), endpoint.url(),
        endpoint.description(), filters.getOrDefault(endpoint.id(), List.of()), endpoint.secret(),
        endpoint.previousSecret(), endpoint.previousSecretExpiresAt(), endpoint.enabled(), endpoint.disabledReason(),
        endpoint.paused(), endpoint.maxConcurrency(), endpoint.rateLimit(), endpoint.ordering(), endpoint.createdAt(),
        endpoint.updatedAt())).toList();
  }
}
