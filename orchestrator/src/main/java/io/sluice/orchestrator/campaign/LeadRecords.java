package io.sluice.orchestrator.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.persistence.campaign.NewLead;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Validated leads as the rows {@code CampaignLeads.insert} stores: numbered from 1 in order, metadata as JSON. */
public final class LeadRecords {
  private LeadRecords() {}

  /**
   * @param mapper Akka's configured JSON mapper ({@code JacksonObjectMapperProvider...getOrCreate("jackson-json",
   *     Optional.empty())})
   */
  public static List<NewLead> toNewLeads(List<Lead> leads, ObjectMapper mapper) {
    List<NewLead> rows = new ArrayList<>(leads.size());
    for (int i = 0; i < leads.size(); i++) {
      Lead lead = leads.get(i);
      rows.add(new NewLead(i + 1L, lead.name(), lead.phone(), lead.zones().stream().map(ZoneId::getId).toList(),
          json(lead, mapper)));
    }
    return rows;
  }

  private static String json(Lead lead, ObjectMapper mapper) {
    try {
      // Sorted by key: the same lead always stores the same text.
      return mapper.writeValueAsString(new java.util.TreeMap<>(lead.metadata()));
    } catch (JsonProcessingException e) {
      // A map of strings always serialises; anything else is a broken mapper.
      throw new IllegalStateException("cannot write the metadata of lead " + lead.phone(), e);
    }
  }
}
