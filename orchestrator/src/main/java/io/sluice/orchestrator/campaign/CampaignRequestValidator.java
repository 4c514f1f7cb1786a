package io.sluice.orchestrator.campaign;

import io.sluice.config.CampaignSettings;
import io.sluice.orchestrator.campaign.CreateCampaignRequest.LeadInput;
import io.sluice.orchestrator.campaign.CreateCampaignRequest.RetryInput;
import io.sluice.orchestrator.campaign.CreateCampaignRequest.WindowInput;
import io.sluice.protocols.campaign.CallOutcome;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@link CreateCampaignRequest} into a {@link ValidCampaign}, or into the list of every problem found, each
 * naming its field by JSON path ({@code leads[3].phone}, {@code windows[0].end}, {@code retryPolicy.BUSY.delay}).
 * Nothing is half-accepted: one bad lead fails the whole request.
 *
 * <p>Leads are checked by {@link LeadValidator}; within one campaign a phone number (after E.164 normalisation) may
 * appear once. Do-not-call entries are not consulted here: they are checked when a lead is dialled, so a number added
 * to the list after the campaign was created is still honoured.
 */
public final class CampaignRequestValidator {
  static final int MAX_NAME_LENGTH = 200;
  static final int MAX_WINDOWS = 50;

  private final CampaignSettings settings;
  private final Optional<QuietHours> quietHours;

  public CampaignRequestValidator(CampaignSettings settings) {
    this.settings = settings;
    this.quietHours = QuietHours.from(settings);
  }

  /** Validates a request that carries its leads. */
  public Validation<ValidCampaign> validate(CreateCampaignRequest request) {
    List<FieldError> errors = new ArrayList<>();
    List<Lead> leads = leads(request.leads(), errors);
    return validate(request, leads, errors);
  }

  /**
   * Validates a request whose leads were imported separately (already validated by {@link LeadCsv}); the request
   * itself must then carry none.
   */
  public Validation<ValidCampaign> validate(CreateCampaignRequest request, List<Lead> imported) {
    List<FieldError> errors = new ArrayList<>();
    if (request.leads() != null && !request.leads().isEmpty()) {
      errors.add(FieldError.of("leads", "must be empty when the leads are imported from a file"));
    }
    if (imported.isEmpty()) {
      errors.add(FieldError.of("leads", "the import has no leads"));
    } else if (imported.size() > settings.maxLeads()) {
      errors.add(FieldError.of("leads", "has " + imported.size() + " leads, more than the limit of "
          + settings.maxLeads()));
    }
    return validate(request, imported, errors);
  }

  private Validation<ValidCampaign> validate(CreateCampaignRequest request, List<Lead> leads,
      List<FieldError> errors) {
    String name = request.name() == null ? "" : request.name().strip();
    if (name.isEmpty()) {
      errors.add(FieldError.of("name", "is required"));
    } else if (name.length() > MAX_NAME_LENGTH) {
      errors.add(FieldError.of("name", "is longer than " + MAX_NAME_LENGTH + " characters"));
    }
    ValidCampaign.Owner owner = owner(request.owner(), errors);
    List<CallingWindow> windows = windows(request.windows(), errors);
    int maxConcurrentCalls = intWithin(request.maxConcurrentCalls(), "maxConcurrentCalls", 1,
        settings.maxConcurrentCalls(), errors);
    int hotThreshold = intWithin(request.hotThreshold(), "hotThreshold", 0, 100, errors);
    RetryPolicy retryPolicy = retryPolicy(request.retryPolicy(), errors);
    Optional<Instant> startAt = startAt(request.startAt(), errors);
    return Validation.of(errors, () -> new ValidCampaign(name, owner, leads, windows, maxConcurrentCalls,
        hotThreshold, retryPolicy, startAt));
  }

  private List<Lead> leads(List<LeadInput> inputs, List<FieldError> errors) {
    if (inputs == null || inputs.isEmpty()) {
      errors.add(FieldError.of("leads", "must list at least one lead"));
      return List.of();
    }
    if (inputs.size() > settings.maxLeads()) {
      errors.add(FieldError.of("leads", "has " + inputs.size() + " leads, more than the limit of "
          + settings.maxLeads()));
      return List.of();
    }
    List<Lead> leads = new ArrayList<>(inputs.size());
    Map<String, Integer> firstIndexByPhone = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      String prefix = "leads[" + i + "].";
      LeadInput input = inputs.get(i);
      if (input == null) {
        errors.add(FieldError.of("leads[" + i + "]", "is null"));
        continue;
      }
      Optional<Lead> lead = LeadValidator.validate(input.name(), input.phone(), input.timezone(), input.metadata(),
          prefix, null, errors);
      if (lead.isPresent()) {
        Integer first = firstIndexByPhone.putIfAbsent(lead.get().phone(), i);
        if (first != null) {
          errors.add(FieldError.of(prefix + "phone", lead.get().phone() + " is already leads[" + first + "]"));
        } else {
          leads.add(lead.get());
        }
      }
    }
    return leads;
  }

  private static ValidCampaign.Owner owner(CreateCampaignRequest.Owner owner, List<FieldError> errors) {
    if (owner == null) {
      errors.add(FieldError.of("owner", "is required"));
      return null;
    }
    if (owner.userId() == null || owner.userId().isBlank()) {
      errors.add(FieldError.of("owner.userId", "is required"));
    }
    if (owner.email() == null || owner.email().isBlank()) {
      errors.add(FieldError.of("owner.email", "is required"));
    } else {
      try {
        new InternetAddress(owner.email().strip(), true).validate();
      } catch (AddressException e) {
        errors.add(FieldError.of("owner.email", "'" + owner.email() + "' is not an email address"));
      }
    }
    return new ValidCampaign.Owner(owner.userId() == null ? null : owner.userId().strip(),
        owner.email() == null ? null : owner.email().strip());
  }

  private List<CallingWindow> windows(List<WindowInput> inputs, List<FieldError> errors) {
    if (inputs == null || inputs.isEmpty()) {
      errors.add(FieldError.of("windows", "must list at least one calling window"));
      return List.of();
    }
    if (inputs.size() > MAX_WINDOWS) {
      errors.add(FieldError.of("windows", "has more than " + MAX_WINDOWS + " windows"));
      return List.of();
    }
    List<CallingWindow> windows = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      window(inputs.get(i), "windows[" + i + "]", errors).ifPresent(windows::add);
    }
    return windows;
  }

  private Optional<CallingWindow> window(WindowInput input, String field, List<FieldError> errors) {
    if (input == null) {
      errors.add(FieldError.of(field, "is null"));
      return Optional.empty();
    }
    int before = errors.size();
    Set<DayOfWeek> days = days(input.days(), field + ".days", errors);
    LocalTime start = time(input.start(), field + ".start", errors);
    LocalTime end = time(input.end(), field + ".end", errors);
    if (start != null && end != null && !end.isAfter(start)) {
      errors.add(FieldError.of(field + ".end", "is " + end + " but must be after start " + start
          + " (windows do not span midnight)"));
    }
    if (errors.size() > before) {
      return Optional.empty();
    }
    CallingWindow window = new CallingWindow(days, start, end);
    if (quietHours.isPresent() && window.clip(quietHours.get().start(), quietHours.get().end()) == null) {
      errors.add(FieldError.of(field, start + "-" + end + " lies entirely outside the allowed calling hours "
          + quietHours.get().start() + "-" + quietHours.get().end() + " (recipient's local time)"));
      return Optional.empty();
    }
    return Optional.of(window);
  }

  private static Set<DayOfWeek> days(List<String> names, String field, List<FieldError> errors) {
    if (names == null || names.isEmpty()) {
      errors.add(FieldError.of(field, "must list at least one day"));
      return Set.of();
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (int i = 0; i < names.size(); i++) {
      Optional<DayOfWeek> day = day(names.get(i));
      if (day.isPresent()) {
        days.add(day.get());
      } else {
        errors.add(FieldError.of(field + "[" + i + "]", "'" + names.get(i) + "' is not a day such as MONDAY or MON"));
      }
    }
    return days;
  }

  private static Optional<DayOfWeek> day(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String upper = name.strip().toUpperCase(Locale.ROOT);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().equals(upper) || day.name().substring(0, 3).equals(upper)) {
        return Optional.of(day);
      }
    }
    return Optional.empty();
  }

  private static LocalTime time(String text, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      errors.add(FieldError.of(field, "is required"));
      return null;
    }
    try {
      return LocalTime.parse(text.strip());
    } catch (DateTimeException e) {
      errors.add(FieldError.of(field, "'" + text + "' is not a local time such as 09:30"));
      return null;
    }
  }

  private static int intWithin(Integer value, String field, int min, int max, List<FieldError> errors) {
    if (value == null) {
      errors.add(FieldError.of(field, "is required"));
      return min;
    }
    if (value < min || value > max) {
      errors.add(FieldError.of(field, "is " + value + " but must be between " + min + " and " + max));
    }
    return value;
  }

  private static RetryPolicy retryPolicy(Map<String, RetryInput> inputs, List<FieldError> errors) {
    if (inputs == null || inputs.isEmpty()) {
      return RetryPolicy.defaults();
    }
    Map<CallOutcome, RetryPolicy.Retry> overrides = new EnumMap<>(CallOutcome.class);
    for (Map.Entry<String, RetryInput> entry : inputs.entrySet()) {
      String field = "retryPolicy." + entry.getKey();
      Optional<CallOutcome> outcome = outcome(entry.getKey());
      if (outcome.isEmpty() || !outcome.get().retryable()) {
        errors.add(FieldError.of(field, outcome.isEmpty() ? "is not a call outcome"
            : "is final and cannot be retried; retryable outcomes are NO_ANSWER, BUSY, VOICEMAIL, FAILED"));
        continue;
      }
      RetryInput input = entry.getValue();
      if (input == null) {
        errors.add(FieldError.of(field, "is null"));
        continue;
      }
      int maxAttempts = intWithin(input.maxAttempts(), field + ".maxAttempts", 1, 10, errors);
      Duration delay = delay(input.delay(), field + ".delay", errors);
      if (maxAttempts >= 1 && maxAttempts <= 10 && delay != null) {
        overrides.put(outcome.get(), new RetryPolicy.Retry(maxAttempts, delay));
      }
    }
    return RetryPolicy.defaults().with(overrides);
  }

  private static Optional<CallOutcome> outcome(String name) {
    for (CallOutcome outcome : CallOutcome.values()) {
      if (outcome.name().equals(name)) {
        return Optional.of(outcome);
      }
    }
    return Optional.empty();
  }

  private static Duration delay(String text, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      errors.add(FieldError.of(field, "is required"));
      return null;
    }
    try {
      Duration delay = Duration.parse(text.strip());
      if (delay.isNegative() || delay.isZero()) {
        errors.add(FieldError.of(field, "is " + text + " but must be positive"));
        return null;
      }
      return delay;
    } catch (DateTimeException e) {
      errors.add(FieldError.of(field, "'" + text + "' is not an ISO-8601 duration such as PT2H"));
      return null;
    }
  }

  private static Optional<Instant> startAt(String text, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text.strip()));
    } catch (DateTimeException e) {
      errors.add(FieldError.of("startAt", "'" + text + "' is not an ISO-8601 instant such as 2026-03-02T14:00:00Z"));
      return Optional.empty();
    }
  }
}
