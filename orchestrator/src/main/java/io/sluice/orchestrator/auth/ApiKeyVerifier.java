package io.sluice.orchestrator.auth;

import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.workspace.ApiKeys;
import io.sluice.persistence.workspace.StoredApiKey;
import io.sluice.protocols.workspace.WorkspaceId;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers which workspace a presented API key belongs to. A malformed key is refused without a lookup; a recently
 * verified one is checked against the {@link VerifiedKeyCache}; anything else is looked up by its prefix under a
 * database permit and, if its secret matches, remembered. The secret is always compared by hash, in constant time
 * ({@link ApiKeyFormat#matches}). No part of a key is ever logged.
 */
public final class ApiKeyVerifier {
  static final String OWNER = "api-keys";
  private static final Logger log = LoggerFactory.getLogger(ApiKeyVerifier.class);

  private final Database database;
  private final VerifiedKeyCache cache;

  /**
   * @param ttl how long a verified key is trusted without a new lookup
   * @param maxEntries how many verified keys are remembered at most
   */
  public ApiKeyVerifier(Database database, Duration ttl, int maxEntries, Clock clock) {
    this.database = database;
    this.cache = new VerifiedKeyCache(ttl, maxEntries, clock);
  }

  /**
   * The workspace of {@code token}, or empty if it is malformed, unknown, revoked or its secret is wrong. Fails only if
   * the database could not be asked (no permit in time, or an error).
   */
  public CompletionStage<Optional<WorkspaceId>> verify(String token) {
    Optional<ApiKeyFormat.Presented> parsed = ApiKeyFormat.parse(token);
    if (parsed.isEmpty()) {
      log.debug("API key refused: malformed");
      return CompletableFuture.completedFuture(Optional.empty());
    }
    ApiKeyFormat.Presented presented = parsed.get();
    Optional<VerifiedKeyCache.Entry> cached = cache.get(presented.prefix());
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(
          check(presented, cached.get().workspaceId(), cached.get().hash(), "cached"));
    }
    long generation = cache.generation();
    return database.withConnection(null, OWNER, "verify-key", ApiKeys.findActive(presented.prefix()))
        .thenApply(stored -> {
          if (stored.isEmpty()) {
            log.debug("API key refused: unknown or revoked");
            return Optional.empty();
          }
          return remember(presented, stored.get(), generation);
        });
  }

  private Optional<WorkspaceId> remember(ApiKeyFormat.Presented presented, StoredApiKey key, long generation) {
    byte[] hash = ApiKeyFormat.hashBytes(key.hash());
    Optional<WorkspaceId> workspace = check(presented, key.workspaceId(), hash, "stored");
    if (workspace.isPresent()) {
      cache.put(presented.prefix(), key.workspaceId(), hash, generation);
    }
    return workspace;
  }

  private static Optional<WorkspaceId> check(ApiKeyFormat.Presented presented, WorkspaceId workspace, byte[] hash,
      String source) {
    if (ApiKeyFormat.matches(presented.secret(), hash)) {
      return Optional.of(workspace);
    }
    log.debug("API key refused: wrong secret for a {} key of workspace {}", source, workspace);
    return Optional.empty();
  }

  /** Stops trusting the key with this prefix at once (it was revoked through this instance). */
  public void forget(String prefix) {
    cache.invalidate(prefix);
  }

  int cachedKeys() {
    return cache.size();
  }
}
