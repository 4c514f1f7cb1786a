package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * Campaigns as the runners create them: every day of the week callable around the clock (run with quiet hours off), one
 * attempt per lead whatever its outcome, so that a run measures calls and not the calling rules or retry delays.
 */
final class BenchCampaigns {
  private static final String ONE_ATTEMPT = "\"X\":{\"maxAttempts\":1,\"delay\":\"PT1S\"}";
  private static final long FIRST_NATIONAL_NUMBER = 2_012_000_000L;

  private BenchCampaigns() {}

  /** The campaign's JSON part, at most {@code maxConcurrentCalls} calls at once. */
  static String json(String name, int maxConcurrentCalls) {
    return "{\"name\":\"" + name + "\",\"owner\":{\"userId\":\"bench\",\"email\":\"bench@example.com\"},"
        + "\"windows\":[{\"days\":[\"MON\",\"TUE\",\"WED\",\"THU\",\"FRI\",\"SAT\",\"SUN\"],\"start\":\"00:00\","
        + "\"end\":\"23:59\"}],\"maxConcurrentCalls\":" + maxConcurrentCalls + ",\"hotThreshold\":70,"
        + "\"retryPolicy\":{" + ONE_ATTEMPT.replace("X", "NO_ANSWER") + "," + ONE_ATTEMPT.replace("X", "BUSY") + ","
        + ONE_ATTEMPT.replace("X", "VOICEMAIL") + "," + ONE_ATTEMPT.replace("X", "FAILED") + "}}";
  }

  /**
   * {@code name,phone} rows of {@code leads} distinct valid US numbers, after skipping the first {@code skip} valid
   * ones (so that campaigns of one workspace call different numbers: a do-not-call outcome of one would otherwise
   * strike the same number from the others).
   */
  static String csv(int leads, int skip) {
    PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    StringBuilder csv = new StringBuilder("name,phone\n");
    long national = FIRST_NATIONAL_NUMBER;
    int valid = 0;
    while (valid < skip + leads) {
      PhoneNumber number = new PhoneNumber().setCountryCode(1).setNationalNumber(national++);
      if (phones.isValidNumber(number)) {
        if (valid >= skip) {
          csv.append("Lead ").append(valid).append(',')
              .append(phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164)).append('\n');
        }
        valid++;
      }
    }
    return csv.toString();
  }

  /** Creates the campaign as one multipart upload: its JSON part and the leads as a CSV part. */
  static JsonNode create(BenchApi api, String bearer, String campaign, String leads)
      throws IOException, InterruptedException {
    String boundary = "sluice-bench-" + UUID.randomUUID();
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"campaign\"\r\n"
        + "Content-Type: application/json\r\n\r\n" + campaign + "\r\n--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"leads\"; filename=\"leads.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        + leads + "\r\n--" + boundary + "--\r\n";
    HttpRequest request = HttpRequest.newBuilder(api.base().resolve("/v1/campaigns")).timeout(Duration.ofMinutes(5))
        .header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    return api.send(request, "POST /v1/campaigns (multipart)", 201);
  }
}
