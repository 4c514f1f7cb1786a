package io.sluice.persistence.campaign;

import java.time.Instant;

/** One number a workspace must never call; {@code reason} may be null. */
public record DoNotCallEntry(String phone, Instant addedAt, String reason) {}
