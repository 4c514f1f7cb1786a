package io.sluice.orchestrator.email;

import io.sluice.protocols.campaign.HotLead;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The one pass over a campaign's hot leads: every lead becomes a row of a CSV file on disk, and only the first
 * {@code inline} (the best, as the stream comes ordered by score) stay in memory for the message body. Memory does
 * not grow with the number of leads. Fed by one stream stage at a time, so it needs no locking.
 */
final class HotLeadSpool implements AutoCloseable {
  static final String[] HEADER = {"lead_id", "name", "phone", "score", "classification", "summary"};

  private final Path file;
  private final CSVPrinter printer;
  private final int inline;
  private final List<HotLead> top = new ArrayList<>();
  private long count;

  private HotLeadSpool(Path file, int inline) throws IOException {
    this.file = file;
    this.inline = inline;
    Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(HEADER).get());
  }

  /** A spool in a new temporary file in {@code folder}. */
  static HotLeadSpool create(Path folder, int inline) throws IOException {
    Files.createDirectories(folder);
    return new HotLeadSpool(Files.createTempFile(folder, "hot-leads-", ".csv"), inline);
  }

  void add(HotLead lead) throws IOException {
    printer.printRecord(lead.leadId(), lead.name(), lead.phone(), lead.score(), lead.classification(),
        lead.summary());
    if (top.size() < inline) {
      top.add(lead);
    }
    count++;
  }

  /** The first leads seen, at most {@code inline}. */
  List<HotLead> top() {
    return List.copyOf(top);
  }

  long count() {
    return count;
  }

  Path file() {
    return file;
  }

  /** Flushes and closes the CSV; the file stays until {@link #delete}. */
  @Override
  public void close() throws IOException {
    printer.close();
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }
}
