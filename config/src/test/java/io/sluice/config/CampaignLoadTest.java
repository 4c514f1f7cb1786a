package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class CampaignLoadTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void theDefaultsFitAndSayWhy() {
    Config config = with("");
    SluiceSettings settings = SluiceSettings.from(config);
    CallSlotSettings slots = CallSlotSettings.from(config);
    CampaignLoad.check(settings.dbPool(), slots);
    assertEquals("call slots 10 × 1 permit per call + email 2 + streams 2 = 14 <= db limit 10 + queue 1000",
        CampaignLoad.arithmetic(settings.dbPool(), slots));
  }

  @Test
  void moreCallsThanThePoolCanGrantOrQueueAreRefusedWithTheArithmetic() {
    Config config = with("sluice.call-slots.capacity = 120\nsluice.pools.db.max-queue = 100");
    SettingsException refused = assertThrows(SettingsException.class,
        () -> CampaignLoad.check(SluiceSettings.from(config).dbPool(), CallSlotSettings.from(config)));
    assertTrue(refused.getMessage().contains(
        "call slots 120 × 1 permit per call + email 2 + streams 2 = 124 > db limit 10 + queue 100"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("sluice.call-slots.capacity"), refused.getMessage());
  }

  @Test
  void theBoundaryFits() {
    Config config = with("sluice.call-slots.capacity = 106\nsluice.pools.db.max-queue = 100");
    CampaignLoad.check(SluiceSettings.from(config).dbPool(), CallSlotSettings.from(config));
  }
}
