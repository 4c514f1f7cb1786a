package io.sluice.persistence.workspace;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.UniqueInsert;
import io.sluice.protocols.workspace.Workspace;
import io.sluice.protocols.workspace.WorkspaceId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The {@code workspace} table (migration V2): the tenants API keys belong to. */
public final class Workspaces {
  /** SQLSTATE of a unique-constraint violation, the same on PostgreSQL and H2. */

  private Workspaces() {}

  /**
   * Inserts {@code workspace}; answers the rows written (1).
   *
   * @throws WorkspaceNameTakenException (from the work) if the name is in use
   */
  public static JdbcWork<Integer> create(Workspace workspace) {
    return connection -> insert(connection, workspace);
  }

  /** Every workspace, oldest first. */
  public static JdbcWork<List<Workspace>> list() {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(
              "SELECT id, name, created_at FROM workspace ORDER BY created_at, name");
          ResultSet rows = select.executeQuery()) {
        List<Workspace> workspaces = new ArrayList<>();
        while (rows.next()) {
          workspaces.add(new Workspace(new WorkspaceId(rows.getObject(1, UUID.class)), rows.getString(2),
              rows.getObject(3, OffsetDateTime.class).toInstant()));
        }
        return workspaces;
      }
    };
  }

  /**
   * Creates {@code workspace} and its first key in one transaction, but only while no workspace exists at all: answers
   * whether it did. Two instances starting at once cannot both succeed: the loser's insert breaks the unique name and
   * fails with {@link WorkspaceNameTakenException}, which means the same as {@code false}.
   */
  public static JdbcWork<Boolean> createFirst(Workspace workspace, NewApiKey key) {
    return connection -> {
      try (PreparedStatement any = connection.prepareStatement("SELECT 1 FROM workspace FETCH FIRST 1 ROWS ONLY");
          ResultSet row = any.executeQuery()) {
        if (row.next()) {
          return false;
        }
      }
      insert(connection, workspace);
      return ApiKeys.insert(key).run(connection);
    };
  }

  static boolean exists(Connection connection, WorkspaceId id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM workspace WHERE id = ?")) {
      select.setObject(1, id.value());
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  private static int insert(Connection connection, Workspace workspace) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO workspace (id, name, created_at) VALUES (?, ?, ?)")) {
      insert.setObject(1, workspace.id().value());
      insert.setString(2, workspace.name());
      insert.setObject(3, OffsetDateTime.ofInstant(workspace.createdAt(), ZoneOffset.UTC));
      return insert.executeUpdate();
    } catch (SQLException e) {
      if (UniqueInsert.UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new WorkspaceNameTakenException(workspace.name(), e);
      }
      throw e;
    }
  }
}
