package io.sluice.orchestrator.auth;

import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.workspace.ApiKeyInfo;
import io.sluice.persistence.workspace.ApiKeys;
import io.sluice.persistence.workspace.NewApiKey;
import io.sluice.persistence.workspace.WorkspaceNameTakenException;
import io.sluice.persistence.workspace.Workspaces;
import io.sluice.protocols.workspace.Workspace;
import io.sluice.protocols.workspace.WorkspaceId;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates workspaces, issues and revokes their API keys: each operation one short unit of work under a database
 * permit. Keys are generated here ({@link ApiKeyFormat}); only their hashes reach the database, and revoking one makes
 * this instance's {@link ApiKeyVerifier} forget it at once.
 */
public final class WorkspaceAdmin {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceAdmin.class);

  private final Database database;
  private final ApiKeyVerifier verifier;
  private final SecureRandom random;
  private final Clock clock;

  public WorkspaceAdmin(Database database, ApiKeyVerifier verifier, SecureRandom random, Clock clock) {
    this.database = database;
    this.verifier = verifier;
    this.random = random;
    this.clock = clock;
  }

  /** Creates a workspace; fails with {@link WorkspaceNameTakenException} if the name is in use. */
  public CompletionStage<Workspace> create(String name) {
    Workspace workspace = new Workspace(new WorkspaceId(UUID.randomUUID()), name, clock.instant());
    return database.withConnection(null, ApiKeyVerifier.OWNER, "create-workspace", Workspaces.create(workspace))
        .thenApply(rows -> {
          log.info("workspace created: workspace={} name={}", workspace.id(), name);
          return workspace;
        });
  }

  /** Every workspace, oldest first. */
  public CompletionStage<List<Workspace>> list() {
    return database.withConnection(null, ApiKeyVerifier.OWNER, "list-workspaces", Workspaces.list());
  }

  /** A new key for {@code workspace}; empty if there is no such workspace. */
  public CompletionStage<Optional<IssuedKey>> issueKey(WorkspaceId workspace) {
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate(random);
    NewApiKey key = new NewApiKey(UUID.randomUUID(), workspace, generated.prefix(), generated.hash(), clock.instant());
    return database.withConnection(null, ApiKeyVerifier.OWNER, "issue-key", ApiKeys.insert(key))
        .thenApply(stored -> {
          if (!stored) {
            return Optional.empty();
          }
          log.info("API key issued: key={} workspace={}", key.id(), workspace);
          return Optional.of(new IssuedKey(key.id(), workspace, generated.token()));
        });
  }

  /** The keys of {@code workspace}, revoked ones included; empty if there is no such workspace. */
  public CompletionStage<Optional<List<ApiKeyInfo>>> keys(WorkspaceId workspace) {
    return database.withConnection(null, ApiKeyVerifier.OWNER, "list-keys", ApiKeys.list(workspace));
  }

  /** Revokes the key; answers false if there is no such key. Revoking a revoked key changes nothing. */
  public CompletionStage<Boolean> revoke(UUID keyId) {
    return database.withConnection(null, ApiKeyVerifier.OWNER, "revoke-key", ApiKeys.revoke(keyId, clock.instant()))
        .thenApply(prefix -> {
          if (prefix.isEmpty()) {
            return false;
          }
          verifier.forget(prefix.get());
          log.info("API key revoked: key={}", keyId);
          return true;
        });
  }

  /**
   * Creates workspace {@code name} with a first key if no workspace exists yet; empty if one does (also when another
   * instance created it at the same moment).
   */
  public CompletionStage<Optional<IssuedKey>> createFirst(String name) {
    Workspace workspace = new Workspace(new WorkspaceId(UUID.randomUUID()), name, clock.instant());
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate(random);
    NewApiKey key = new NewApiKey(UUID.randomUUID(), workspace.id(), generated.prefix(), generated.hash(),
        clock.instant());
    return database.withConnection(null, ApiKeyVerifier.OWNER, "create-first-key", Workspaces.createFirst(workspace, key))
        .handle((created, failure) -> {
          if (failure != null) {
            if (unwrap(failure) instanceof WorkspaceNameTakenException) {
              return Optional.empty();
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
          }
          if (!created) {
            return Optional.empty();
          }
          log.info("first workspace and API key created: workspace={} name={} key={}", workspace.id(), name, key.id());
          return Optional.of(new IssuedKey(key.id(), workspace.id(), generated.token()));
        });
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
