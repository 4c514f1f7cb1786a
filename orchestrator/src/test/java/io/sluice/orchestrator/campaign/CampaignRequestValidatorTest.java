package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.CampaignSettings;
import io.sluice.orchestrator.campaign.CreateCampaignRequest.LeadInput;
import io.sluice.orchestrator.campaign.CreateCampaignRequest.Owner;
import io.sluice.orchestrator.campaign.CreateCampaignRequest.RetryInput;
import io.sluice.orchestrator.campaign.CreateCampaignRequest.WindowInput;
import io.sluice.persistence.campaign.NewLead;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests bound by Akka's own JSON mapper, as the HTTP route will bind them, then validated. */
class CampaignRequestValidatorTest {
  private static ActorTestKit testKit;
  private static ObjectMapper mapper;

  private final CampaignSettings settings = CampaignSettings.from(ConfigFactory.load(ConfigFactory.parseString(
      "sluice.campaigns { max-leads = 3, max-concurrent-calls = 10 }")));
  private final CampaignRequestValidator validator = new CampaignRequestValidator(settings);

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    mapper = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-json", Optional.empty());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static final String VALID = """
      {"name": " Spring renewals ",
       "owner": {"userId": "u-42", "email": "ana@example.com"},
       "leads": [{"name": "Bo", "phone": "+1 775 234 5678", "metadata": {"plan": "gold", "seats": 3}},
                 {"name": "Cy", "phone": "+12128675309", "timezone": "America/New_York"}],
       "windows": [{"days": ["MON", "tuesday"], "start": "09:00", "end": "17:30"}],
       "maxConcurrentCalls": 5, "hotThreshold": 70,
       "retryPolicy": {"NO_ANSWER": {"maxAttempts": 4, "delay": "PT3H"}},
       "startAt": "2026-03-02T14:00:00Z"}
      """;

  private static CreateCampaignRequest request(String json) throws Exception {
    return mapper.readValue(json, CreateCampaignRequest.class);
  }

  private static CreateCampaignRequest valid() throws Exception {
    return request(VALID);
  }

  private static CreateCampaignRequest withLeads(CreateCampaignRequest r, List<LeadInput> leads) {
    return new CreateCampaignRequest(r.name(), r.owner(), leads, r.windows(), r.maxConcurrentCalls(),
        r.hotThreshold(), r.retryPolicy(), r.startAt());
  }

  private static CreateCampaignRequest withWindows(CreateCampaignRequest r, WindowInput... windows) {
    return new CreateCampaignRequest(r.name(), r.owner(), r.leads(), List.of(windows), r.maxConcurrentCalls(),
        r.hotThreshold(), r.retryPolicy(), r.startAt());
  }

  private List<FieldError> errors(CreateCampaignRequest request) {
    return assertInstanceOf(Validation.Invalid.class, validator.validate(request)).errors();
  }

  private static ValidCampaign accepted(Validation<ValidCampaign> result) {
    return assertInstanceOf(ValidCampaign.class, assertInstanceOf(Validation.Valid.class, result).value());
  }

  private static List<String> fieldsOf(Validation<ValidCampaign> result) {
    List<FieldError> errors = assertInstanceOf(Validation.Invalid.class, result).errors();
    return errors.stream().map(FieldError::field).toList();
  }

  private List<String> fields(CreateCampaignRequest request) {
    return errors(request).stream().map(FieldError::field).toList();
  }

  @Test
  void aValidRequestBecomesACampaign() throws Exception {
    ValidCampaign campaign = accepted(validator.validate(valid()));
    assertEquals("Spring renewals", campaign.name());
    assertEquals(new ValidCampaign.Owner("u-42", "ana@example.com"), campaign.owner());
    assertEquals(List.of("+17752345678", "+12128675309"), campaign.leads().stream().map(Lead::phone).toList());
    assertEquals(Map.of("plan", "gold", "seats", "3"), campaign.leads().get(0).metadata());
    assertEquals(List.of(new CallingWindow(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY), LocalTime.of(9, 0),
        LocalTime.of(17, 30))), campaign.windows());
    assertEquals(5, campaign.maxConcurrentCalls());
    assertEquals(70, campaign.hotThreshold());
    assertEquals(new RetryPolicy.RetryAt(Instant.EPOCH.plus(Duration.ofHours(3))),
        campaign.retryPolicy().decide(CallOutcome.NO_ANSWER, 3, Instant.EPOCH));
    assertEquals(new RetryPolicy.RetryAt(Instant.EPOCH.plus(Duration.ofMinutes(15))),
        campaign.retryPolicy().decide(CallOutcome.BUSY, 1, Instant.EPOCH), "defaults for the others");
    assertEquals(Optional.of(Instant.parse("2026-03-02T14:00:00Z")), campaign.startAt());

    List<NewLead> rows = LeadRecords.toNewLeads(campaign.leads(), mapper);
    assertEquals(new NewLead(1, "Bo", "+17752345678", List.of("America/Boise", "America/Los_Angeles"),
        "{\"plan\":\"gold\",\"seats\":\"3\"}"), rows.get(0), "metadata keys in order");
    assertEquals(2, rows.get(1).leadId());
  }

  @Test
  void oneBadLeadFailsTheWholeRequestAndIsNamed() throws Exception {
    CreateCampaignRequest request = valid();
    List<LeadInput> leads = new ArrayList<>(request.leads());
    leads.add(new LeadInput("Di", "+1 555", null, null));
    assertEquals(List.of(new FieldError("leads[2].phone", null, "'+1 555' is not a valid phone number")),
        errors(withLeads(request, leads)));
  }

  @Test
  void eachBadLeadFieldIsNamed() throws Exception {
    CreateCampaignRequest request = valid();
    assertEquals(List.of("leads"), fields(withLeads(request, List.of())));
    assertEquals(List.of("leads"), fields(withLeads(request, null)));
    assertEquals(List.of("leads[1].phone"), fields(withLeads(request, List.of(
        new LeadInput("A", "+12128675309", null, null), new LeadInput("B", "+1 212 867 5309", null, null)))));
    assertEquals(List.of("leads[0].timezone"), fields(withLeads(request, List.of(
        new LeadInput("A", "+12128675309", "Atlantis/Capital", null)))));
    assertEquals(List.of("leads[0].timezone"), fields(withLeads(request, List.of(
        new LeadInput("A", "+80012345678", null, null)))), "number without a known zone");
    assertEquals(List.of("leads[1].name"), fields(withLeads(request, List.of(
        new LeadInput("A", "+12128675309", null, null), new LeadInput("", "+17752345678", null, null)))));
    List<LeadInput> four = List.of(new LeadInput("A", "+12128675301", null, null),
        new LeadInput("B", "+12128675302", null, null), new LeadInput("C", "+12128675303", null, null),
        new LeadInput("D", "+12128675304", null, null));
    FieldError tooMany = errors(withLeads(request, four)).get(0);
    assertEquals("leads", tooMany.field());
    assertTrue(tooMany.message().contains("limit of 3"), tooMany.message());
  }

  @Test
  void badWindowsAreNamed() throws Exception {
    CreateCampaignRequest request = valid();
    assertEquals(List.of("windows[0].end"), fields(withWindows(request, new WindowInput(List.of("MON"), "17:00",
        "09:00"))));
    assertEquals(List.of("windows[0].end"), fields(withWindows(request, new WindowInput(List.of("MON"), "09:00",
        "09:00"))));
    assertEquals(List.of("windows[1].days[1]", "windows[1].start"), fields(withWindows(request,
        new WindowInput(List.of("MON"), "09:00", "10:00"), new WindowInput(List.of("FRI", "Caturday"), "9am",
            "10:00"))));
    assertEquals(List.of("windows[0].days"), fields(withWindows(request, new WindowInput(List.of(), "09:00",
        "10:00"))));
    assertEquals(List.of("windows[0]"), fields(withWindows(request, new WindowInput(List.of("SAT"), "21:00",
        "23:00"))), "entirely in quiet hours");
    assertEquals(List.of("windows"), fields(withWindows(request)));
  }

  @Test
  void badCampaignFieldsAreNamed() throws Exception {
    String json = VALID.replace("\" Spring renewals \"", "\"\"").replace("ana@example.com", "not an address")
        .replace("\"maxConcurrentCalls\": 5", "\"maxConcurrentCalls\": 11").replace("70", "101")
        .replace("\"NO_ANSWER\": {\"maxAttempts\": 4, \"delay\": \"PT3H\"}",
            "\"NO_ANSWER\": {\"maxAttempts\": 0, \"delay\": \"3 hours\"}, \"ANSWERED\": {\"maxAttempts\": 2, "
                + "\"delay\": \"PT1H\"}, \"LATER\": {\"maxAttempts\": 2, \"delay\": \"PT1H\"}")
        .replace("2026-03-02T14:00:00Z", "next monday");
    assertEquals(List.of("name", "owner.email", "maxConcurrentCalls", "hotThreshold",
        "retryPolicy.NO_ANSWER.maxAttempts", "retryPolicy.NO_ANSWER.delay", "retryPolicy.ANSWERED",
        "retryPolicy.LATER", "startAt"), fields(request(json)));
    assertEquals(List.of("owner"), fields(request(VALID.replace("\"owner\": {\"userId\": \"u-42\", \"email\": "
        + "\"ana@example.com\"},", ""))));
  }

  @Test
  void errorsSerialiseAsFieldAndMessage() throws Exception {
    assertEquals("{\"field\":\"leads[2].phone\",\"message\":\"is required\"}",
        mapper.writeValueAsString(new FieldError("leads[2].phone", null, "is required")));
    assertEquals("{\"field\":\"phone\",\"row\":3,\"message\":\"is required\"}",
        mapper.writeValueAsString(new FieldError("phone", 3, "is required")));
  }

  @Test
  void importedLeadsReplaceTheRequestsOwn() throws Exception {
    List<Lead> imported = List.of(LeadValidator.validate("Eve", "+12128675309", null, Map.of(), "", 2,
        new ArrayList<>()).orElseThrow());
    assertEquals(List.of("leads"), fieldsOf(validator.validate(valid(), imported)),
        "a request cannot carry leads and import them too");
    assertEquals(imported, accepted(validator.validate(withLeads(valid(), null), imported)).leads());
    assertEquals(List.of("leads"), fieldsOf(validator.validate(withLeads(valid(), null), List.of())));
  }

  @Test
  void aValidCampaignSurvivesAkkasJacksonSerializersForTheJournal() throws Exception {
    ValidCampaign campaign = accepted(validator.validate(valid()));
    for (String binding : List.of("jackson-json", "jackson-cbor")) {
      ObjectMapper journal = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate(binding, Optional.empty());
      assertEquals(campaign, journal.readValue(journal.writeValueAsBytes(campaign), ValidCampaign.class), binding);
      RetryPolicy.Decision decision = new RetryPolicy.RetryAt(Instant.EPOCH);
      assertEquals(decision, journal.readValue(journal.writeValueAsBytes(decision), RetryPolicy.RetryAt.class));
    }
  }

  @Test
  void theOwnerAndRetryRulesBindFromJson() throws Exception {
    CreateCampaignRequest request = valid();
    assertEquals(new Owner("u-42", "ana@example.com"), request.owner());
    assertEquals(Map.of("NO_ANSWER", new RetryInput(4, "PT3H")), request.retryPolicy());
  }
}
