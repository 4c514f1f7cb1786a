package io.sluice.persistence.workspace;

import io.sluice.protocols.workspace.WorkspaceId;
import java.util.UUID;

/**
 * An unrevoked key found by its prefix: what a presented secret is checked against.
 *
 * @param hash lowercase hex SHA-256 of the secret part
 */
public record StoredApiKey(UUID id, WorkspaceId workspaceId, String prefix, String hash) {}
