package io.sluice.orchestrator.campaign;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Validates one lead's fields, shared by the JSON request and the CSV import so both accept exactly the same leads.
 *
 * <p>Phone numbers must be written in international form ({@code +} and country code): a campaign has no home
 * country to guess from. libphonenumber parses them, they must be valid numbers (not merely possible ones), and they
 * are stored in E.164. A lead without a zone gets every zone its number's prefix maps to
 * ({@link PhoneNumberToTimeZonesMapper}); a prefix the mapper does not know ({@code Etc/Unknown}) is an error, since a
 * lead whose local time is unknown could be called at night. An explicit zone must be a region-based IANA id
 * ({@code America/Chicago}); fixed offsets such as {@code +02:00} are refused because they ignore daylight saving.
 */
public final class LeadValidator {
  static final int MAX_NAME_LENGTH = 200;
  static final int MAX_METADATA_ENTRIES = 50;
  static final int MAX_METADATA_TEXT = 1000;

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final PhoneNumberToTimeZonesMapper ZONES = PhoneNumberToTimeZonesMapper.getInstance();

  private LeadValidator() {}

  /**
   * Validates one lead, adding a {@link FieldError} per bad field to {@code errors}.
   *
   * @param prefix prepended to field names ({@code "leads[3]."} for JSON, {@code ""} for CSV columns)
   * @param row the CSV record number, or null
   * @return the lead when every field was valid
   */
  public static Optional<Lead> validate(String name, String phone, String zone, Map<String, String> metadata,
      String prefix, Integer row, List<FieldError> errors) {
    int before = errors.size();
    String cleanName = name == null ? "" : name.strip();
    if (cleanName.isEmpty()) {
      errors.add(new FieldError(prefix + "name", row, "is required"));
    } else if (cleanName.length() > MAX_NAME_LENGTH) {
      errors.add(new FieldError(prefix + "name", row, "is longer than " + MAX_NAME_LENGTH + " characters"));
    }
    Optional<PhoneNumber> number = parse(phone, prefix + "phone", row, errors);
    List<ZoneId> zones = number.isEmpty() ? List.of() : zones(number.get(), zone, prefix, row, errors);
    Map<String, String> cleanMetadata = metadata == null ? Map.of() : metadata;
    checkMetadata(cleanMetadata, prefix + "metadata", row, errors);
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new Lead(cleanName, PHONES.format(number.get(), PhoneNumberFormat.E164), zones, cleanMetadata));
  }

  /**
   * The E.164 form of a valid international number, or empty: for do-not-call entries, so that they match stored
   * leads however the number was written.
   */
  public static Optional<String> e164(String phone) {
    return parse(phone, "phone", null, new ArrayList<>())
        .map(number -> PHONES.format(number, PhoneNumberFormat.E164));
  }

  private static Optional<PhoneNumber> parse(String phone, String field, Integer row, List<FieldError> errors) {
    if (phone == null || phone.isBlank()) {
      errors.add(new FieldError(field, row, "is required"));
      return Optional.empty();
    }
    try {
      PhoneNumber number = PHONES.parse(phone, null);
      if (PHONES.isValidNumber(number)) {
        return Optional.of(number);
      }
      errors.add(new FieldError(field, row, "'" + phone + "' is not a valid phone number"));
    } catch (NumberParseException e) {
      errors.add(new FieldError(field, row, "'" + phone + "' is not a phone number in international form (+ and "
          + "country code): " + e.getMessage()));
    }
    return Optional.empty();
  }

  private static List<ZoneId> zones(PhoneNumber number, String zone, String prefix, Integer row,
      List<FieldError> errors) {
    if (zone != null && !zone.isBlank()) {
      return explicitZone(zone.strip(), prefix + "timezone", row, errors).map(List::of).orElse(List.of());
    }
    List<String> mapped = ZONES.getTimeZonesForNumber(number);
    if (mapped.contains(PhoneNumberToTimeZonesMapper.getUnknownTimeZone())) {
      errors.add(new FieldError(prefix + "timezone", row, "is required: the number's time zone is unknown"));
      return List.of();
    }
    TreeSet<ZoneId> zones = new TreeSet<>(Comparator.comparing(ZoneId::getId));
    for (String id : mapped) {
      zones.add(ZoneId.of(id));
    }
    return new ArrayList<>(zones);
  }

  private static Optional<ZoneId> explicitZone(String zone, String field, Integer row, List<FieldError> errors) {
    try {
      if (ZoneId.getAvailableZoneIds().contains(zone)) {
        return Optional.of(ZoneId.of(zone));
      }
    } catch (DateTimeException e) {
      // Not a region id: reported below like any other unknown zone.
    }
    errors.add(new FieldError(field, row, "'" + zone + "' is not an IANA time zone such as America/Chicago"));
    return Optional.empty();
  }

  private static void checkMetadata(Map<String, String> metadata, String field, Integer row,
      List<FieldError> errors) {
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      errors.add(new FieldError(field, row, "has more than " + MAX_METADATA_ENTRIES + " entries"));
      return;
    }
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      if (entry.getKey() == null || entry.getKey().isBlank()) {
        errors.add(new FieldError(field, row, "has an empty key"));
      } else if (entry.getValue() == null) {
        errors.add(new FieldError(field + "." + entry.getKey(), row, "is null"));
      } else if (entry.getValue().length() > MAX_METADATA_TEXT) {
        errors.add(new FieldError(field + "." + entry.getKey(), row, "is longer than " + MAX_METADATA_TEXT
            + " characters"));
      }
    }
  }
}
