package io.sluice.persistence.workspace;

import io.sluice.protocols.workspace.WorkspaceId;
import java.time.Instant;
import java.util.UUID;

/**
 * A key about to be stored: never the key itself, only its public prefix and the hex SHA-256 of its secret.
 *
 * @param hash lowercase hex SHA-256 of the secret part (64 characters)
 */
public record NewApiKey(UUID id, WorkspaceId workspaceId, String prefix, String hash, Instant createdAt) {}
