package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignSettingsTest {

  private static CampaignSettings read(String overrides) {
    return CampaignSettings.from(ConfigFactory.load(ConfigFactory.parseString(overrides)));
  }

  @Test
  void quietHoursAreEnforcedByDefault() {
    CampaignSettings settings = read("");
    assertTrue(settings.quietHoursEnforced());
    assertEquals(LocalTime.of(8, 0), settings.quietHoursStart());
    assertEquals(LocalTime.of(21, 0), settings.quietHoursEnd());
    assertEquals(10_000, settings.maxLeads());
    assertEquals(50, settings.maxConcurrentCalls());
    assertEquals(10L * 1024 * 1024, settings.csvMaxBytes());
    assertEquals(500, settings.insertBatchSize());
  }

  @Test
  void onlyAnExplicitSettingRelaxesThem() {
    assertFalse(read("sluice.campaigns.quiet-hours.enforced = false").quietHoursEnforced());
    assertEquals(LocalTime.of(9, 30), read("sluice.campaigns.quiet-hours.start = \"09:30\"").quietHoursStart());
  }

  @Test
  void everyBadKeyIsNamed() {
    SettingsException refused = assertThrows(SettingsException.class, () -> read("""
        sluice.campaigns {
          quiet-hours { enforced = maybe, start = "8am", end = "25:00" }
          max-leads = 0
          csv.max-bytes = -1
        }
        """));
    List<String> problems = refused.problems();
    assertEquals(5, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("sluice.campaigns.quiet-hours.enforced "), problems.get(0));
    assertTrue(problems.get(1).startsWith("sluice.campaigns.quiet-hours.start is '8am'"), problems.get(1));
    assertTrue(problems.get(2).startsWith("sluice.campaigns.quiet-hours.end is '25:00'"), problems.get(2));
    assertTrue(problems.get(3).startsWith("sluice.campaigns.max-leads "), problems.get(3));
    assertTrue(problems.get(4).startsWith("sluice.campaigns.csv.max-bytes "), problems.get(4));
  }

  @Test
  void quietHoursMustNotSpanMidnight() {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> read("sluice.campaigns.quiet-hours { start = \"22:00\", end = \"07:00\" }"));
    assertEquals(List.of("sluice.campaigns.quiet-hours.end is 07:00 but must be after "
        + "sluice.campaigns.quiet-hours.start 22:00"), refused.problems());
  }
}
