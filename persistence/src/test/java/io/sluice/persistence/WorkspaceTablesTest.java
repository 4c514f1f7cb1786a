package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.DatabaseSettings;
import io.sluice.persistence.workspace.ApiKeyInfo;
import io.sluice.persistence.workspace.ApiKeys;
import io.sluice.persistence.workspace.NewApiKey;
import io.sluice.persistence.workspace.StoredApiKey;
import io.sluice.persistence.workspace.WorkspaceNameTakenException;
import io.sluice.persistence.workspace.Workspaces;
import io.sluice.protocols.workspace.Workspace;
import io.sluice.protocols.workspace.WorkspaceId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Migration V2 and the workspace and API key SQL, on H2 (the embedded default) and on PostgreSQL, each unit of work in
 * its own transaction as the database facade runs it.
 */
class WorkspaceTablesTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private static DatabaseSettings database(String kind) {
    return kind.equals("h2")
        ? new DatabaseSettings("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, true)
        : TestPostgres.database(true);
  }

  /** A migrated, empty database. */
  private static DatabaseSettings emptyDatabase(String kind) throws SQLException {
    DatabaseSettings database = database(kind);
    Migrations.run(database);
    try (Connection connection = open(database); Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM api_key");
      statement.executeUpdate("DELETE FROM workspace");
      connection.commit();
    }
    return database;
  }

  private static Connection open(DatabaseSettings database) throws SQLException {
    Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
    connection.setAutoCommit(false);
    return connection;
  }

  /** Runs {@code work} in a transaction of its own, as the facade does: commit on success, roll back on failure. */
  private static <T> T inTransaction(DatabaseSettings database, JdbcWork<T> work) throws SQLException {
    try (Connection connection = open(database)) {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private static int count(DatabaseSettings database, String table) throws SQLException {
    return inTransaction(database, connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
        row.next();
        return row.getInt(1);
      }
    });
  }

  private static Workspace workspace(String name, Instant at) {
    return new Workspace(new WorkspaceId(UUID.randomUUID()), name, at);
  }

  private static NewApiKey key(WorkspaceId workspace, String prefix) {
    return new NewApiKey(UUID.randomUUID(), workspace, prefix, "ab".repeat(32), T0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void theFirstWorkspaceIsCreatedOnlyOnAnEmptyDatabase(String kind) throws SQLException {
    DatabaseSettings database = emptyDatabase(kind);
    Workspace first = workspace("default", T0);
    assertTrue(inTransaction(database, Workspaces.createFirst(first, key(first.id(), "0123456789abcdef"))));
    Workspace second = workspace("default-2", T0);
    assertFalse(inTransaction(database, Workspaces.createFirst(second, key(second.id(), "fedcba9876543210"))));
    assertEquals(List.of(first), inTransaction(database, Workspaces.list()));
    assertEquals(1, count(database, "api_key"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void keysAreFoundByPrefixUntilRevoked(String kind) throws SQLException {
    DatabaseSettings database = emptyDatabase(kind);
    Workspace workspace = workspace("acme", T0);
    inTransaction(database, Workspaces.create(workspace));
    NewApiKey key = key(workspace.id(), "00112233aabbccdd");
    assertTrue(inTransaction(database, ApiKeys.insert(key)));

    assertEquals(Optional.of(new StoredApiKey(key.id(), workspace.id(), key.prefix(), key.hash())),
        inTransaction(database, ApiKeys.findActive(key.prefix())));
    assertEquals(Optional.empty(), inTransaction(database, ApiKeys.findActive("00112233aabbccde")));

    assertEquals(Optional.of(key.prefix()), inTransaction(database, ApiKeys.revoke(key.id(), T0.plusSeconds(60))));
    assertEquals(Optional.empty(), inTransaction(database, ApiKeys.findActive(key.prefix())));
    // A second revocation answers the same and keeps the first time.
    assertEquals(Optional.of(key.prefix()), inTransaction(database, ApiKeys.revoke(key.id(), T0.plusSeconds(120))));
    assertEquals(T0.plusSeconds(60), inTransaction(database, connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT revoked_at FROM api_key")) {
        row.next();
        return row.getObject(1, java.time.OffsetDateTime.class).toInstant();
      }
    }));
    assertEquals(Optional.empty(), inTransaction(database, ApiKeys.revoke(UUID.randomUUID(), T0)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aWorkspaceListsItsKeysRevokedOnesIncluded(String kind) throws SQLException {
    DatabaseSettings database = emptyDatabase(kind);
    Workspace workspace = workspace("acme", T0);
    Workspace other = workspace("other", T0);
    inTransaction(database, Workspaces.create(workspace));
    inTransaction(database, Workspaces.create(other));
    NewApiKey older = key(workspace.id(), "1111111111111111");
    NewApiKey newer = new NewApiKey(UUID.randomUUID(), workspace.id(), "2222222222222222", "cd".repeat(32),
        T0.plusSeconds(1));
    inTransaction(database, ApiKeys.insert(newer));
    inTransaction(database, ApiKeys.insert(older));
    inTransaction(database, ApiKeys.insert(key(other.id(), "3333333333333333")));
    inTransaction(database, ApiKeys.revoke(older.id(), T0.plusSeconds(5)));
    assertEquals(Optional.of(List.of(
            new ApiKeyInfo(older.id(), older.prefix(), T0, T0.plusSeconds(5)),
            new ApiKeyInfo(newer.id(), newer.prefix(), T0.plusSeconds(1), null))),
        inTransaction(database, ApiKeys.list(workspace.id())));
    assertEquals(Optional.empty(), inTransaction(database, ApiKeys.list(new WorkspaceId(UUID.randomUUID()))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aKeyForAnUnknownWorkspaceIsNotStored(String kind) throws SQLException {
    DatabaseSettings database = emptyDatabase(kind);
    assertFalse(inTransaction(database, ApiKeys.insert(key(new WorkspaceId(UUID.randomUUID()), "0123456789abcdef"))));
    assertEquals(0, count(database, "api_key"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void workspaceNamesAreUniqueAndListedOldestFirst(String kind) throws SQLException {
    DatabaseSettings database = emptyDatabase(kind);
    Workspace later = workspace("later", T0.plus(1, ChronoUnit.HOURS));
    Workspace earlier = workspace("earlier", T0);
    inTransaction(database, Workspaces.create(later));
    inTransaction(database, Workspaces.create(earlier));
    WorkspaceNameTakenException taken = assertThrows(WorkspaceNameTakenException.class,
        () -> inTransaction(database, Workspaces.create(workspace("later", T0))));
    assertEquals("later", taken.name());
    assertEquals(List.of(earlier, later), inTransaction(database, Workspaces.list()));
  }

  /**
   * Two instances starting at once on PostgreSQL: both see no workspace, the second's insert waits on the first's
   * uncommitted row and, once it commits, breaks the unique name instead of creating a second default workspace.
   */
  @Test
  void concurrentFirstStartsCreateOneWorkspace() throws Exception {
    DatabaseSettings database = emptyDatabase("postgres");
    Workspace mine = workspace("default", T0);
    Workspace theirs = workspace("default", T0);
    try (Connection first = open(database)) {
      assertTrue(Workspaces.createFirst(mine, key(mine.id(), "1111111111111111")).run(first));
      CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
        try {
          return inTransaction(database, Workspaces.createFirst(theirs, key(theirs.id(), "2222222222222222")));
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThrows(TimeoutException.class, () -> second.get(500, TimeUnit.MILLISECONDS),
          "the second start waits for the first one's row");
      first.commit();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
      assertInstanceOf(WorkspaceNameTakenException.class, failed.getCause());
    }
    assertEquals(List.of(mine), inTransaction(database, Workspaces.list()));
    assertEquals(1, count(database, "api_key"));
  }
}
