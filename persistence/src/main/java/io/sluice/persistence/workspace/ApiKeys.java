package io.sluice.persistence.workspace;

import io.sluice.persistence.JdbcWork;
import io.sluice.protocols.workspace.WorkspaceId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code api_key} table (migration V2). Holds no key: only the public prefix, by which a presented key is found,
 * and the SHA-256 of the secret part, against which it is checked.
 */
public final class ApiKeys {
  private ApiKeys() {}

  /** Stores {@code key} if its workspace exists; answers whether it did. */
  public static JdbcWork<Boolean> insert(NewApiKey key) {
    return connection -> {
      if (!Workspaces.exists(connection, key.workspaceId())) {
        return false;
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO api_key (id, workspace_id, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
        insert.setObject(1, key.id());
        insert.setObject(2, key.workspaceId().value());
        insert.setString(3, key.prefix());
        insert.setString(4, key.hash());
        insert.setObject(5, OffsetDateTime.ofInstant(key.createdAt(), ZoneOffset.UTC));
        return insert.executeUpdate() == 1;
      }
    };
  }

  /** The keys of {@code workspace}, revoked ones included, oldest first; empty if there is no such workspace. */
  public static JdbcWork<Optional<List<ApiKeyInfo>>> list(WorkspaceId workspace) {
    return connection -> {
      if (!Workspaces.exists(connection, workspace)) {
        return Optional.empty();
      }
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT id, prefix, created_at, revoked_at FROM api_key WHERE workspace_id = ? ORDER BY created_at, id")) {
        select.setObject(1, workspace.value());
        try (ResultSet rows = select.executeQuery()) {
          List<ApiKeyInfo> keys = new ArrayList<>();
          while (rows.next()) {
            OffsetDateTime revokedAt = rows.getObject(4, OffsetDateTime.class);
            keys.add(new ApiKeyInfo(rows.getObject(1, UUID.class), rows.getString(2),
                rows.getObject(3, OffsetDateTime.class).toInstant(), revokedAt == null ? null : revokedAt.toInstant()));
          }
          return Optional.of(keys);
        }
      }
    };
  }

  /** The unrevoked key with this prefix, if any. */
  public static JdbcWork<Optional<StoredApiKey>> findActive(String prefix) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT id, workspace_id, hash FROM api_key WHERE prefix = ? AND revoked_at IS NULL")) {
        select.setString(1, prefix);
        try (ResultSet row = select.executeQuery()) {
          return row.next()
              ? Optional.of(new StoredApiKey(row.getObject(1, UUID.class),
                  new WorkspaceId(row.getObject(2, UUID.class)), prefix, row.getString(3)))
              : Optional.empty();
        }
      }
    };
  }

  /**
   * Revokes the key (a key revoked before keeps its first revocation time); answers its prefix, so that caches can
   * forget it, or empty if there is no such key.
   */
  public static JdbcWork<Optional<String>> revoke(UUID keyId, Instant at) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
        update.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        update.setObject(2, keyId);
        update.executeUpdate();
      }
      try (PreparedStatement select = connection.prepareStatement("SELECT prefix FROM api_key WHERE id = ?")) {
        select.setObject(1, keyId);
        try (ResultSet row = select.executeQuery()) {
          return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
        }
      }
    };
  }
}
