package io.sluice.persistence.workspace;

import java.time.Instant;
import java.util.UUID;

/**
 * A key as the admin API lists it: what identifies it (its id, and the public prefix a client's key starts with), never
 * its hash.
 *
 * @param revokedAt when it was revoked, or null while it is active
 */
public record ApiKeyInfo(UUID id, String prefix, Instant createdAt, Instant revokedAt) {}
