package io.sluice.orchestrator.campaign;

import java.util.List;
import java.util.Map;

/**
 * The JSON body that creates a campaign, as sent: every value is kept in a form that binds whatever the client wrote
 * (times, days, durations and instants as text), so that {@link CampaignRequestValidator} can name each bad field
 * instead of failing the whole body at binding.
 *
 * <pre>{@code
 * {"name": "Spring renewals",
 *  "owner": {"userId": "u-42", "email": "ana@example.com"},
 *  "leads": [{"name": "Bo", "phone": "+17752345678", "timezone": "America/Los_Angeles", "metadata": {"plan": "gold"}}],
 *  "windows": [{"days": ["MON", "TUESDAY"], "start": "09:00", "end": "17:30"}],
 *  "maxConcurrentCalls": 5, "hotThreshold": 70,
 *  "retryPolicy": {"NO_ANSWER": {"maxAttempts": 4, "delay": "PT3H"}},
 *  "startAt": "2026-03-02T14:00:00Z"}
 * }</pre>
 *
 * @param leads the leads, or null/empty when they come from a CSV import instead
 * @param retryPolicy rules by outcome name, each replacing the default for that outcome; null for all defaults
 * @param startAt ISO-8601 instant before which nobody is called; null to start at once
 */
public record CreateCampaignRequest(String name, Owner owner, List<LeadInput> leads, List<WindowInput> windows,
    Integer maxConcurrentCalls, Integer hotThreshold, Map<String, RetryInput> retryPolicy, String startAt) {

  /** Who created the campaign and receives its summary email. */
  public record Owner(String userId, String email) {}

  /** One lead; {@code timezone} is optional (derived from the number when absent). */
  public record LeadInput(String name, String phone, String timezone, Map<String, String> metadata) {}

  /**
   * A calling window: {@code days} as names ({@code MONDAY}) or three-letter abbreviations ({@code MON}), any case;
   * {@code start} and {@code end} as local times {@code HH:mm}, end exclusive and after start.
   */
  public record WindowInput(List<String> days, String start, String end) {}

  /** A retry rule: {@code delay} as an ISO-8601 duration ({@code PT2H}). */
  public record RetryInput(Integer maxAttempts, String delay) {}
}
