package io.sluice.protocols.workspace;

import java.time.Instant;

/** A workspace as stored: its id, its unique name and when it was created. */
public record Workspace(WorkspaceId id, String name, Instant createdAt) {}
