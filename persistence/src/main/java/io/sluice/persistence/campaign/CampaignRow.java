package io.sluice.persistence.campaign;

import java.time.Instant;
import io.sluice.protocols.campaign.CampaignStatus;

/**
 * One row of {@code campaign}, the read side the campaign entity writes.
 *
 * @param nextWakeAt when the entity next needs to run (start time, next due lead), or null when it waits for nothing
 */
public record CampaignRow(String id, String workspaceId, String name, String ownerUserId, String ownerEmail,
    CampaignStatus status, int leadCount, int finalCount, int hotCount, Instant nextWakeAt, Instant createdAt,
    Instant updatedAt) {}
