package io.sluice.orchestrator.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoLeadsTest {

  /** Whatever the hour, the demo finds leads, each valid and in daytime in every zone its number maps to. */
  @ParameterizedTest
  @ValueSource(ints = {0, 3, 6, 9, 12, 15, 18, 21})
  void everyHourHasDaytimeLeadsAndOnlyThose(int utcHour) throws NumberParseException {
    Instant now = Instant.parse("2026-11-25T00:00:00Z").plusSeconds(utcHour * 3600L);
    List<DemoLeads.DemoLead> leads = new DemoLeads().pick(now, 4, 36);
    assertTrue(leads.size() >= 12, "only " + leads.size() + " demo leads at " + now);
    assertTrue(leads.size() <= 36);
    assertEquals(leads.size(), new HashSet<>(leads.stream().map(DemoLeads.DemoLead::phone).toList()).size(),
        "duplicate numbers");
    PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    for (DemoLeads.DemoLead lead : leads) {
      var number = phones.parse(lead.phone(), null);
      assertTrue(phones.isValidNumber(number), lead.phone());
      for (String zone : PhoneNumberToTimeZonesMapper.getInstance().getTimeZonesForNumber(number)) {
        LocalTime local = now.atZone(ZoneId.of(zone)).toLocalTime();
        assertFalse(local.isBefore(LocalTime.of(8, 30)) || local.isAfter(LocalTime.of(20, 0)),
            lead.phone() + " is at " + local + " in " + zone);
      }
    }
  }
}
