package io.sluice.persistence.webhook;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.persistence.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Event types: the built-in ones, which Sluice itself publishes and every workspace has, and the {@code
 * webhook_event_type} rows a workspace adds. An endpoint's filter and a publication may name only these.
 */
public final class EventTypes {
  /** The types Sluice publishes itself; never stored, and no workspace may register them again. */
  public static final Set<String> BUILT_IN = Set.of("campaign.completed", "lead.hot", "call.completed",
      "message.attempt.exhausted", "endpoint.disabled");
  /** Dot-separated lower-case words: {@code invoice.paid}, {@code order_item.shipped}. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");
  public static final int MAX_NAME_LENGTH = 100;

  /** A workspace's own type. */
  public record EventType(String name, String description, Instant createdAt) {}

  private EventTypes() {}

  /** Adds a custom type; false, changing nothing, when the workspace already has it. */
  public static JdbcWork<Boolean> create(String workspaceId, String name, String description, Instant now) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_event_type (workspace_id,"
          + " name, description, created_at) VALUES (?, ?, ?, ?)")) {
        insert.setString(1, workspaceId);
        insert.setString(2, name);
        insert.setString(3, description);
        Sql.setInstant(insert, 4, now);
        return UniqueInsert.unlessPresent(connection, insert);
      }
    };
  }

  /** The workspace's custom types by name (there are few: they are listed whole). */
  public static JdbcWork<List<EventType>> custom(String workspaceId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT name, description, created_at"
          + " FROM webhook_event_type WHERE workspace_id = ? ORDER BY name")) {
        select.setString(1, workspaceId);
        List<EventType> types = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            types.add(new EventType(row.getString("name"), row.getString("description"),
                Sql.instant(row, "created_at")));
          }
        }
        return types;
      }
    };
  }

  /** Those of {@code names} that are neither built in nor the workspace's own, in the order given. */
  public static JdbcWork<List<String>> unknown(String workspaceId, Collection<String> names) {
    return connection -> {
      Set<String> unknown = new LinkedHashSet<>();
      for (String name : names) {
        if (!BUILT_IN.contains(name)) {
          unknown.add(name);
        }
      }
      if (unknown.isEmpty()) {
        return List.of();
      }
      try (PreparedStatement select = connection.prepareStatement("SELECT name FROM webhook_event_type"
          + " WHERE workspace_id = ? AND name IN (" + Sql.placeholders(unknown.size()) + ")")) {
        select.setString(1, workspaceId);
        int index = 2;
        for (String name : unknown) {
          select.setString(index++, name);
        }
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            unknown.remove(row.getString(1));
          }
        }
      }
      return List.copyOf(unknown);
    };
  }
}
