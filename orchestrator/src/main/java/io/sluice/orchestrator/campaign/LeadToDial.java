package io.sluice.orchestrator.campaign;

import java.time.ZoneId;
import java.util.Set;

/**
 * A lead as the dialler needs it.
 *
 * @param attempts calls attempted so far (the next attempt is {@code attempts + 1})
 * @param zones the lead's time zones: its own, or every zone its number maps to
 * @param metadataJson the lead's free metadata, passed to the provider as is
 */
public record LeadToDial(long leadId, String name, String phone, Set<ZoneId> zones, int attempts, String metadataJson) {}
