package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeadCsvTest {
  private final LeadCsv csv = new LeadCsv(1000, 1_000_000);

  private static InputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  private static List<Lead> valid(Validation<List<Lead>> result) {
    return ((Validation.Valid<List<Lead>>) assertInstanceOf(Validation.Valid.class, result)).value();
  }

  private static List<FieldError> invalid(Validation<List<Lead>> result) {
    return assertInstanceOf(Validation.Invalid.class, result).errors();
  }

  @Test
  void rowsBecomeLeadsWithExtraColumnsAsMetadata() throws IOException {
    String file = "\uFEFFName,Phone,TimeZone,plan,notes\n"
        + "Bo,+1 775 234 5678,,gold,\"likes calls, mornings\"\n"
        + "\n"
        + "Cy,+12128675309,America/Chicago,,\n";
    List<Lead> leads = valid(csv.read(body(file)));
    assertEquals(2, leads.size());
    assertEquals(new Lead("Bo", "+17752345678", List.of(ZoneId.of("America/Boise"),
        ZoneId.of("America/Los_Angeles")), Map.of("plan", "gold", "notes", "likes calls, mornings")), leads.get(0));
    assertEquals(new Lead("Cy", "+12128675309", List.of(ZoneId.of("America/Chicago")), Map.of()), leads.get(1));
  }

  @Test
  void theTimezoneColumnIsOptional() throws IOException {
    assertEquals(List.of(ZoneId.of("America/New_York")),
        valid(csv.read(body("phone,name\n+12128675309,Cy\n"))).get(0).zones());
  }

  @Test
  void oneBadRowFailsTheImportAndNamesItsRow() throws IOException {
    String file = "name,phone,timezone\n"
        + "Bo,+17752345678,\n"
        + "Cy,12345,\n"
        + "Di,+12128675309,Nowhere/Land\n";
    assertEquals(List.of(new FieldError("phone", 3, "'12345' is not a phone number in international form (+ and "
            + "country code): Missing or invalid default region."),
        new FieldError("timezone", 4, "'Nowhere/Land' is not an IANA time zone such as America/Chicago")),
        invalid(csv.read(body(file))));
  }

  @Test
  void aRepeatedNumberIsReportedOnItsSecondRow() throws IOException {
    String file = "name,phone\nBo,+12128675309\nCy,+1 (212) 867-5309\n";
    assertEquals(List.of(new FieldError("phone", 3, "+12128675309 is already on row 2")),
        invalid(csv.read(body(file))));
  }

  @Test
  void theHeaderMustNameThePhoneAndNameColumns() throws IOException {
    List<FieldError> errors = invalid(csv.read(body("name,number\nBo,+12128675309\n")));
    assertEquals(1, errors.size());
    assertEquals(new FieldError("header", 1, errors.get(0).message()), errors.get(0));
    assertTrue(errors.get(0).message().contains("'phone'"));
    assertEquals("header", invalid(csv.read(body("name,phone,name\nBo,+12128675309,Bo\n"))).get(0).field(),
        "a duplicate column");
    assertEquals("header", invalid(csv.read(body(""))).get(0).field(), "an empty body has no header");
  }

  @Test
  void malformedRowsAreReported() throws IOException {
    assertEquals(List.of(new FieldError("row", 2, "has 3 values but the header has 2")),
        invalid(csv.read(body("name,phone\nBo,+12128675309,extra\n"))));
    assertEquals("file", invalid(csv.read(body("name,phone\n\"Bo,+12128675309\n"))).get(0).field(),
        "an unclosed quote");
  }

  @Test
  void theRowLimitStopsReading() throws IOException {
    LeadCsv small = new LeadCsv(2, 1_000_000);
    assertEquals(2, valid(small.read(body("name,phone\nA,+12128675301\nB,+12128675302\n"))).size());
    assertEquals(List.of(new FieldError("file", 4, "has more than 2 rows")),
        invalid(small.read(body("name,phone\nA,+12128675301\nB,+12128675302\nC,+12128675303\n"))));
  }

  @Test
  void theByteLimitIsExactAndStopsReadingAnEndlessBody() throws IOException {
    String file = "name,phone\nA,+12128675301\n";
    int size = file.getBytes(StandardCharsets.UTF_8).length;
    assertEquals(1, valid(new LeadCsv(100, size).read(body(file))).size());
    assertEquals(List.of(new FieldError("file", null, "is larger than " + (size - 1) + " bytes")),
        invalid(new LeadCsv(100, size - 1).read(body(file))));

    // A never-ending field: only a bounded prefix is ever read, or this would not return.
    InputStream endless = new InputStream() {
      private int position = -1;

      @Override
      public int read() {
        position++;
        return position < 11 ? "name,phone\n".charAt(position) : 'A';
      }
    };
    assertEquals(List.of(new FieldError("file", null, "is larger than 10000 bytes")),
        invalid(new LeadCsv(Integer.MAX_VALUE, 10_000).read(endless)));
  }

  @Test
  void reportingStopsAfterAHundredProblems() throws IOException {
    StringBuilder file = new StringBuilder("name,phone\n");
    for (int i = 0; i < 150; i++) {
      file.append("Bo,12345\n");
    }
    List<FieldError> errors = invalid(csv.read(body(file.toString())));
    assertEquals(LeadCsv.MAX_ERRORS + 1, errors.size());
    assertEquals(new FieldError("file", 102, "has too many problems: reading stopped after 100"), errors.get(100));
  }

  @Test
  void aFailingStreamIsAnIoErrorNotAValidationError() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };
    assertThrows(IOException.class, () -> csv.read(broken));
  }
}
