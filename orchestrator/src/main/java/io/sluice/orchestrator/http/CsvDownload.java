package io.sluice.orchestrator.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.onComplete;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.ContentDisposition;
import akka.http.javadsl.model.headers.ContentDispositionTypes;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.database.LeaseRevokedException;
import io.sluice.orchestrator.database.PermitUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.commons.csv.CSVFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes a request with rows streamed as a chunked {@code text/csv} download, formatted by Commons CSV (RFC 4180).
 *
 * <p>The rows' source is materialized per request and the response is chosen once its first row (or its end) is
 * there: a source that cannot start, typically because no database permit was free ({@link
 * PermitUnavailableException}), is answered 503 as a JSON error instead of a truncated 200. From then on the body is
 * back-pressured by the client's connection: a client that disconnects mid-download makes Akka HTTP cancel the
 * entity, which cancels the rows' source and so gives its permit back. A client gone before the first row never
 * subscribes to the rest of the rows: Akka cancels them after {@code akka.stream.materializer.subscription-timeout}
 * (5 s by default), which gives the permit back too. A failure after the first row can only cut the chunked body
 * short (the status is already sent), which the client sees as an incomplete download.
 */
public final class CsvDownload {
  private static final Logger log = LoggerFactory.getLogger(CsvDownload.class);
  private static final CSVFormat FORMAT = CSVFormat.RFC4180;
  private static final long CHUNK = 16 * 1024;
  private static final Duration CHUNK_WITHIN = Duration.ofMillis(50);

  private final ObjectMapper mapper;

  /** An error body; {@code field} is absent, since no request field is at fault. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorBody(int status, String error, String field) {}

  public CsvDownload(ActorSystem<?> system) {
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  /**
   * The route that downloads {@code rows} as {@code filename}, {@code header} first (none if empty).
   *
   * @param rows a blueprint, materialized once per request (for a {@code Database.stream}: one permit per request)
   */
  public Route download(String filename, List<String> header, Source<List<String>, ?> rows) {
    return extractMaterializer(materializer -> onComplete(
        () -> rows.prefixAndTail(1).runWith(Sink.head(), materializer),
        started -> started.isSuccess()
            ? csv(filename, header, started.get())
            : failed(filename, started.failed().get())));
  }

  private static Route csv(String filename, List<String> header,
      Pair<List<List<String>>, Source<List<String>, NotUsed>> started) {
    Source<List<String>, NotUsed> all = Source.from(started.first()).concat(started.second());
    if (!header.isEmpty()) {
      all = Source.single(header).concat(all);
    }
    // Lines gathered into chunks of up to CHUNK bytes, or what came within CHUNK_WITHIN: one chunk per line would
    // cost a chunk header and a write per row.
    Source<ByteString, NotUsed> chunks = all.map(CsvDownload::line)
        .groupedWeightedWithin(CHUNK, line -> (long) line.size(), CHUNK_WITHIN)
        .map(lines -> lines.stream().reduce(ByteString.emptyByteString(), ByteString::concat));
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.createChunked(ContentTypes.TEXT_CSV_UTF8, chunks))
        .addHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT, Map.of("filename", filename))));
  }

  /** One record with its CRLF, quoted where RFC 4180 needs it. */
  static ByteString line(List<String> values) {
    StringBuilder record = new StringBuilder();
    try {
      FORMAT.printRecord(record, values.toArray());
    } catch (IOException e) {
      throw new UncheckedIOException("a StringBuilder does not fail", e);
    }
    return ByteString.fromString(record.toString());
  }

  private Route failed(String filename, Throwable thrown) {
    Throwable failure = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
    if (failure instanceof PermitUnavailableException || failure instanceof LeaseRevokedException) {
      log.warn("CSV download {} refused: {}", filename, failure.getMessage());
      return error(StatusCodes.SERVICE_UNAVAILABLE, failure.getMessage());
    }
    log.error("CSV download {} failed before its first row", filename, failure);
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
  }

  private Route error(StatusCode status, String message) {
    return complete(status, new ErrorBody(status.intValue(), message, null), Jackson.marshaller(mapper));
  }
}
