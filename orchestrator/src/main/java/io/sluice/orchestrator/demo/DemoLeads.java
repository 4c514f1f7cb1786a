package io.sluice.orchestrator.demo;

import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Leads for the demo campaign: valid numbers of several countries, chosen so that it is daytime in every zone each
 * number maps to right now. The demo runs whatever the local time of day without relaxing any calling rule: it calls
 * only people for whom the rules already allow a call.
 */
public final class DemoLeads {
  /** A margin inside the 08:00–21:00 quiet hours, so a minute-long demo never runs into their edge. */
  private static final LocalTime EARLIEST = LocalTime.of(8, 30);
  private static final LocalTime LATEST = LocalTime.of(20, 0);
  private static final List<String> REGIONS = List.of("US", "CA", "MX", "BR", "AR", "CL", "CO", "GB", "IE", "PT",
      "ES", "FR", "DE", "NL", "IT", "SE", "PL", "GR", "ZA", "NG", "KE", "EG", "TR", "AE", "IN", "TH", "SG", "PH", "JP",
      "KR", "NZ");
  private static final String[] FIRST_NAMES = {"Ana", "Bo", "Chen", "Dara", "Emeka", "Farah", "Gus", "Hana", "Ivo",
      "Jun", "Kai", "Lena", "Mo", "Nia", "Omar", "Pia", "Quinn", "Rui", "Sana", "Tom"};

  public record DemoLead(String name, String phone, String region) {}

  private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
  private final PhoneNumberToTimeZonesMapper zones = PhoneNumberToTimeZonesMapper.getInstance();

  /** Up to {@code perRegion} leads from each region where it is daytime now, {@code max} in all. */
  public List<DemoLead> pick(Instant now, int perRegion, int max) {
    List<DemoLead> leads = new ArrayList<>();
    for (String region : REGIONS) {
      PhoneNumber example = phones.getExampleNumberForType(region, PhoneNumberUtil.PhoneNumberType.MOBILE);
      if (example == null) {
        continue;
      }
      List<String> exampleZones = zones.getTimeZonesForNumber(example);
      if (!daytimeEverywhere(now, exampleZones)) {
        continue;
      }
      int taken = 0;
      for (long offset = 0; offset < 200 && taken < perRegion && leads.size() < max; offset++) {
        PhoneNumber candidate = new PhoneNumber().setCountryCode(example.getCountryCode())
            .setNationalNumber(example.getNationalNumber() + offset);
        if (phones.isValidNumber(candidate) && zones.getTimeZonesForNumber(candidate).equals(exampleZones)) {
          String name = FIRST_NAMES[leads.size() % FIRST_NAMES.length] + " " + region;
          leads.add(new DemoLead(name, phones.format(candidate, PhoneNumberUtil.PhoneNumberFormat.E164), region));
          taken++;
        }
      }
    }
    return leads;
  }

  private static boolean daytimeEverywhere(Instant now, List<String> zoneIds) {
    if (zoneIds.isEmpty() || zoneIds.contains(PhoneNumberToTimeZonesMapper.getUnknownTimeZone())) {
      return false;
    }
    for (String zone : zoneIds) {
      LocalTime local = now.atZone(ZoneId.of(zone)).toLocalTime();
      if (local.isBefore(EARLIEST) || local.isAfter(LATEST)) {
        return false;
      }
    }
    return true;
  }

  public static Map<String, Object> asJson(DemoLead lead) {
    return Map.of("name", lead.name(), "phone", lead.phone(), "metadata", Map.of("country", lead.region()));
  }
}
