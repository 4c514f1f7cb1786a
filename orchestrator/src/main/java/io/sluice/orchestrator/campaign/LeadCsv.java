package io.sluice.orchestrator.campaign;

import io.sluice.config.CampaignSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.apache.commons.io.input.BOMInputStream;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Reads a lead import: UTF-8 CSV (a byte-order mark is skipped) with a header row naming at least {@code name} and
 * {@code phone}, optionally {@code timezone} (any case, any order); every further column becomes metadata under its
 * header name (empty cells are left out). Each row is validated exactly like a JSON lead ({@link LeadValidator}), and a
 * phone number may appear once per file.
 *
 * <p>The input is parsed as a stream, record by record, and never read whole: reading stops with an error as soon as
 * it passes {@code sluice.campaigns.csv.max-bytes} or holds more than {@code sluice.campaigns.max-leads} rows.
 *
 * <p>Contract (all or nothing): {@link #read} returns either every lead of the file, valid, in file order (lead ids
 * are positions in that list, from 1), or every problem found and no lead at all. The valid leads are held in memory,
 * bounded by the two limits, so that the caller can read the body first without holding a database permit and then
 * write all of them in one transaction ({@code CampaignLeads.insert}, which batches them) under a single permit:
 * either the whole file is stored or, on any failure, the transaction rolls back and nothing is. Errors name the CSV
 * column and the row as a spreadsheet numbers it (the header is row 1).
 */
public final class LeadCsv {
  static final String NAME = "name";
  static final String PHONE = "phone";
  static final String TIMEZONE = "timezone";
  /** Problems listed before reading stops: enough to fix a file, bounded for an answer. */
  static final int MAX_ERRORS = 100;
  private static final Set<String> LEAD_COLUMNS = Set.of(NAME, PHONE, TIMEZONE);

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setHeader()
      .setSkipHeaderRecord(true)
      .setIgnoreHeaderCase(true)
      .setTrim(true)
      .setIgnoreEmptyLines(true)
      .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
      .get();

  private final int maxRows;
  private final long maxBytes;

  public LeadCsv(CampaignSettings settings) {
    this(settings.maxLeads(), settings.csvMaxBytes());
  }

  LeadCsv(int maxRows, long maxBytes) {
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
  }

  /** Signals that the body passed the byte limit; caught below and reported as an error. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super("too large");
    }
  }

  /**
   * Parses and validates the whole input. Does not close {@code in}.
   *
   * @throws IOException when reading the stream itself fails (not for malformed CSV, which is an error in the result)
   */
  public Validation<List<Lead>> read(InputStream in) throws IOException {
    List<FieldError> errors = new ArrayList<>();
    List<Lead> leads = new ArrayList<>();
    // One byte more than the limit may be read: the limit is exceeded only when that byte exists.
    InputStream bounded = BoundedInputStream.builder().setInputStream(in).setPropagateClose(false)
        .setMaxCount(maxBytes + 1).setOnMaxCount((max, count) -> {
          throw new TooLarge();
        }).get();
    Reader reader = new InputStreamReader(BOMInputStream.builder().setInputStream(bounded).get(),
        StandardCharsets.UTF_8);
    try (CSVParser parser = FORMAT.parse(reader)) {
      Map<String, String> columns = columns(parser.getHeaderNames(), errors);
      if (errors.isEmpty()) {
        readRows(parser, columns, leads, errors);
      }
    } catch (UncheckedIOException e) {
      // Records are read by an iterator, which wraps what went wrong.
      problem(e.getCause(), errors);
    } catch (IOException e) {
      problem(e, errors);
    } catch (IllegalArgumentException e) {
      // Commons CSV reports a duplicate or empty header name this way.
      errors.add(new FieldError("header", 1, e.getMessage()));
    }
    return Validation.of(errors, () -> List.copyOf(leads));
  }

  /** Reports a body that is too large or malformed; rethrows a failure to read the stream itself. */
  private void problem(IOException e, List<FieldError> errors) throws IOException {
    if (e instanceof TooLarge) {
      errors.add(new FieldError("file", null, "is larger than " + maxBytes + " bytes"));
    } else if (e instanceof CSVException) {
      errors.add(new FieldError("file", null, "is not valid CSV: " + e.getMessage()));
    } else {
      throw e;
    }
  }

  /** Maps each lowercase column name to the header as written; requires name and phone. */
  private static Map<String, String> columns(List<String> headers, List<FieldError> errors) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (String header : headers) {
      columns.put(header.toLowerCase(Locale.ROOT), header);
    }
    for (String required : List.of(NAME, PHONE)) {
      if (!columns.containsKey(required)) {
        errors.add(new FieldError("header", 1, "has no '" + required + "' column (found " + headers + ")"));
      }
    }
    return columns;
  }

  private void readRows(CSVParser parser, Map<String, String> columns, List<Lead> leads, List<FieldError> errors) {
    Map<String, Long> firstRowByPhone = new HashMap<>();
    long rows = 0;
    for (CSVRecord record : parser) {
      // Commons CSV numbers data records from 1; a spreadsheet shows the header as row 1.
      long row = record.getRecordNumber() + 1;
      if (errors.size() >= MAX_ERRORS) {
        errors.add(new FieldError("file", (int) row, "has too many problems: reading stopped after "
            + MAX_ERRORS));
        return;
      }
      if (++rows > maxRows) {
        errors.add(new FieldError("file", (int) row, "has more than " + maxRows + " rows"));
        return;
      }
      if (record.size() != columns.size()) {
        errors.add(new FieldError("row", (int) row, "has " + record.size() + " values but the header has "
            + columns.size()));
        continue;
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Map.Entry<String, String> column : columns.entrySet()) {
        String value = record.get(column.getValue());
        if (!LEAD_COLUMNS.contains(column.getKey()) && !value.isEmpty()) {
          metadata.put(column.getValue(), value);
        }
      }
      String zone = columns.containsKey(TIMEZONE) ? record.get(columns.get(TIMEZONE)) : null;
      Optional<Lead> lead = LeadValidator.validate(record.get(columns.get(NAME)), record.get(columns.get(PHONE)),
          zone, metadata, "", (int) row, errors);
      if (lead.isPresent()) {
        Long first = firstRowByPhone.putIfAbsent(lead.get().phone(), row);
        if (first != null) {
          errors.add(new FieldError(PHONE, (int) row, lead.get().phone() + " is already on row " + first));
        } else if (errors.isEmpty()) {
          // Once anything failed no lead will be returned: stop holding them.
          leads.add(lead.get());
        }
      }
    }
  }
}
