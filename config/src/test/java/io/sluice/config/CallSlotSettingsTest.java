package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallSlotSettingsTest {

  private static CallSlotSettings read(String overrides) {
    return CallSlotSettings.from(ConfigFactory.load(ConfigFactory.parseString(overrides)));
  }

  private static String refusal(String overrides) {
    return assertThrows(SettingsException.class, () -> read(overrides)).getMessage();
  }

  @Test
  void defaultsAreTenFixedSlotsWithHalfAnHourPerCall() {
    CallSlotSettings settings = read("");
    assertEquals(10, settings.capacity());
    assertEquals(Duration.ofMinutes(30), settings.maxHold());
    assertEquals(LimitSettings.LimitAlgorithmName.FIXED, settings.limit().algorithm());
    assertEquals(10, settings.limit().maxLimit());
    assertEquals(1, settings.limit().minLimit());
  }

  @Test
  void theSupervisorSeesAsManySlotsAsTheCapacityAndNoLongLivedLeases() {
    PoolSettings pool = read("sluice.call-slots.capacity = 20").pool();
    assertEquals("call-slots", pool.name());
    assertEquals(20, pool.maxSize());
    assertEquals(20, pool.limit());
    assertEquals(0, pool.maxLongLived());
    assertEquals(Duration.ofMinutes(30), pool.maxHold());
  }

  @Test
  void theInitialLimitFollowsALowerCapacity() {
    CallSlotSettings settings = read("sluice.call-slots.capacity = 4");
    assertEquals(4, settings.limit().initialLimit());
    assertEquals(4, settings.limit().maxLimit());
  }

  @Test
  void invalidValuesNameTheirKeys() {
    String message = refusal("sluice.call-slots.capacity = 0, sluice.call-slots.max-hold = 0s");
    assertTrue(message.contains("sluice.call-slots.capacity is 0 but must be at least 1"), message);
    assertTrue(message.contains("sluice.call-slots.max-hold is PT0S but must be a positive duration"), message);
  }

  @Test
  void aFloorAboveTheCapacityIsRefused() {
    String message = refusal("sluice.call-slots.capacity = 3, sluice.call-slots.limit-control.min-limit = 4");
    assertTrue(message.contains(
        "sluice.call-slots.limit-control.min-limit is 4 but must not exceed sluice.call-slots.capacity 3"), message);
  }

  @Test
  void anUnknownAlgorithmIsRefused() {
    String message = refusal("sluice.call-slots.limit-control.algorithm = guess");
    assertTrue(message.contains("sluice.call-slots.limit-control.algorithm is 'guess' but must be one of"), message);
  }
}
