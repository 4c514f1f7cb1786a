package io.sluice.persistence.campaign;

import java.util.List;

/**
 * A validated lead to insert.
 *
 * @param leadId 1-based import order within the campaign
 * @param phone E.164
 * @param zones IANA zone ids (stored space-separated)
 * @param metadataJson a JSON object, as text
 */
public record NewLead(long leadId, String name, String phone, List<String> zones, String metadataJson) {
  public NewLead {
    zones = List.copyOf(zones);
  }
}
