package io.sluice.orchestrator.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocols.schedule.ScheduleAction;
import io.sluice.protocols.schedule.ScheduleSpec;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Incident 5's positional mistake — a workspace id passed where the payload goes — cannot be written: no two parts of
 * a registration share a type, so any two swapped arguments fail to compile; a registration missing a part says which.
 */
class ScheduleSpecTest {

  @Test
  void everyPartHasATypeOfItsOwnSoNoTwoArgumentsCanSwap() {
    RecordComponent[] parts = ScheduleSpec.class.getRecordComponents();
    Set<Class<?>> types = new HashSet<>();
    Arrays.stream(parts).forEach(part -> types.add(part.getType()));
    assertEquals(parts.length, types.size(), "two parts share a type: " + Arrays.toString(parts));
    assertTrue(types.stream().noneMatch(type -> type == String.class || type == Object.class || type.isPrimitive()),
        "a part is a bare String, Object or primitive: " + types);
  }

  @Test
  void aRegistrationMissingAPartNamesIt() {
    ScheduleSpec.Builder noCadence = ScheduleSpec.builder(new ScheduleSpec.Queue("q"), ScheduleSpec.Workspace.SYSTEM)
        .action(new ScheduleAction.RunJob("count"));
    NullPointerException missing = assertThrows(NullPointerException.class, noCadence::build);
    assertEquals("cadence", missing.getMessage());
    NullPointerException noWorkspace = assertThrows(NullPointerException.class, () -> ScheduleSpec.Workspace.of(null));
    assertTrue(noWorkspace.getMessage().contains("Workspace.SYSTEM"), noWorkspace.getMessage());
    ScheduleSpec built = ScheduleSpec.builder(new ScheduleSpec.Queue("q"), ScheduleSpec.Workspace.of("ws"))
        .every(Duration.ofMinutes(1)).action(new ScheduleAction.RunJob("count")).build();
    assertEquals(ScheduleSpec.Payload.EMPTY, built.payload());
  }
}
