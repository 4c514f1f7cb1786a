package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeadValidatorTest {

  private final List<FieldError> errors = new ArrayList<>();

  private Optional<Lead> validate(String phone, String zone) {
    return LeadValidator.validate("Bo", phone, zone, Map.of(), "leads[3].", null, errors);
  }

  private List<String> fields() {
    return errors.stream().map(FieldError::field).toList();
  }

  @Test
  void aNumberIsStoredInE164WithTheExplicitZone() {
    Lead lead = validate("+1 (212) 867-5309", "America/Chicago").orElseThrow();
    assertEquals("+12128675309", lead.phone());
    assertEquals(List.of(ZoneId.of("America/Chicago")), lead.zones());
    assertEquals(List.of(), errors);
  }

  @Test
  void withoutAZoneTheNumbersPrefixGivesEveryZoneItMayBeIn() {
    // Nevada's 775 area code straddles Pacific and Mountain time (geocoder 3.23).
    assertEquals(List.of(ZoneId.of("America/Boise"), ZoneId.of("America/Los_Angeles")),
        validate("+17752345678", null).orElseThrow().zones());
    assertEquals(List.of(ZoneId.of("America/New_York")), validate("+12128675309", " ").orElseThrow().zones());
    // A US toll-free number could ring anywhere in the North American Numbering Plan.
    List<ZoneId> tollFree = validate("+18005550199", null).orElseThrow().zones();
    assertTrue(tollFree.size() > 30, tollFree.toString());
    assertTrue(tollFree.containsAll(List.of(ZoneId.of("Pacific/Guam"), ZoneId.of("Pacific/Honolulu"))));
  }

  @Test
  void aNumberWhoseZoneIsUnknownNeedsAnExplicitOne() {
    // International freephone (+800) has no geography.
    assertTrue(validate("+80012345678", null).isEmpty());
    assertEquals(List.of("leads[3].timezone"), fields());
    errors.clear();
    assertEquals(List.of(ZoneId.of("Europe/Paris")), validate("+80012345678", "Europe/Paris").orElseThrow().zones());
  }

  @Test
  void badNumbersAndZonesNameTheirField() {
    assertTrue(validate("2128675309", null).isEmpty(), "national form: no country to assume");
    assertTrue(validate("+441632960000", null).isEmpty(), "possible but not a valid number");
    assertTrue(validate("not a number", null).isEmpty());
    assertTrue(validate(null, null).isEmpty());
    assertEquals(List.of("leads[3].phone", "leads[3].phone", "leads[3].phone", "leads[3].phone"), fields());
    errors.clear();
    assertTrue(validate("+12128675309", "Mars/Olympus_Mons").isEmpty());
    assertTrue(validate("+12128675309", "+02:00").isEmpty(), "a fixed offset ignores daylight saving");
    assertTrue(validate("+12128675309", "EST").isEmpty(), "not a region id");
    assertEquals(List.of("leads[3].timezone", "leads[3].timezone", "leads[3].timezone"), fields());
  }

  @Test
  void nameAndMetadataAreChecked() {
    assertTrue(LeadValidator.validate(" ", "+12128675309", null, Map.of("", "x"), "", 7, errors).isEmpty());
    assertEquals(List.of(new FieldError("name", 7, "is required"), new FieldError("metadata", 7, "has an empty key")),
        errors);
    Lead lead = LeadValidator.validate(" Ana ", "+12128675309", null, Map.of("plan", "gold"), "", 7, errors)
        .orElseThrow();
    assertEquals("Ana", lead.name());
    assertEquals(Map.of("plan", "gold"), lead.metadata());
  }

  @Test
  void doNotCallNumbersAreNormalisedLikeLeads() {
    assertEquals(Optional.of("+12128675309"), LeadValidator.e164("+1 212-867-5309"));
    assertEquals(Optional.empty(), LeadValidator.e164("867-5309"));
  }
}
