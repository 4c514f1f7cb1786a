package io.sluice.orchestrator.it;

import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.path;
import static io.sluice.orchestrator.it.StreamTables.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import io.sluice.orchestrator.database.PermitRequest;
import io.sluice.orchestrator.http.CsvDownload;
import io.sluice.persistence.JdbcQuery;
import io.sluice.protocols.permit.PoolStats;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A CSV download streamed from PostgreSQL by a real Akka HTTP server on loopback. */
class CsvDownloadOnPostgresTest {
  private static final String TABLE = "stream_download_rows";
  private static final int ROWS = 100_000;
  private static final List<String> HEADER = List.of("id", "name");

  private static ActorTestKit testKit;
  private GovernedPostgres governed;
  private ServerBinding binding;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("CsvDownloadOnPostgresTest");
    StreamTables.createRows(TABLE, ROWS);
  }

  @AfterAll
  static void stop() throws Exception {
    StreamTables.execute("DROP TABLE IF EXISTS " + TABLE);
    testKit.shutdownTestKit();
  }

  @AfterEach
  void unbind() throws Exception {
    binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    governed.close();
  }

  /** Serves /rows (every row, about 200 bytes each: tens of MB) and /last-two (quoting). */
  private int serve(int maxLongLived) throws Exception {
    governed = new GovernedPostgres(testKit, 4, maxLongLived, Duration.ofSeconds(30));
    CsvDownload csv = new CsvDownload(testKit.system());
    JdbcQuery<List<String>> wide = JdbcQuery.of("SELECT id, repeat(name, 20) FROM " + TABLE + " ORDER BY id",
        JdbcQuery.Parameters.NONE, row -> List.of(Long.toString(row.getLong(1)), row.getString(2)));
    JdbcQuery<List<String>> lastTwo = JdbcQuery.of("SELECT id, name || ', \"quoted\"' FROM " + TABLE
        + " WHERE id > ? ORDER BY id", statement -> statement.setLong(1, ROWS - 2),
        row -> List.of(Long.toString(row.getLong(1)), row.getString(2)));
    PermitRequest export = PermitRequest.forStream(null, "export-1", "csv-download");
    Route route = concat(
        path("rows", () -> get(() -> csv.download("rows.csv", HEADER, governed.database.stream(export, wide)))),
        path("last-two", () -> get(() -> csv.download("last.csv", HEADER,
            governed.database.stream(export, lastTwo)))));
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(route)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return binding.localAddress().getPort();
  }

  private static HttpResponse request(int port, String path) throws Exception {
    return Http.get(testKit.system()).singleRequest(HttpRequest.GET("http://127.0.0.1:" + port + path))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String body(HttpResponse response) throws Exception {
    return response.entity().toStrict(5_000, testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getData().utf8String();
  }

  @Test
  void aDownloadIsChunkedCsvQuotedWhereNeededAndReturnsItsPermit() throws Exception {
    int port = serve(2);
    HttpResponse response = request(port, "/last-two");
    assertEquals(200, response.status().intValue());
    assertEquals("text/csv; charset=UTF-8", response.entity().getContentType().toString());
    assertTrue(response.entity().isChunked(), "streamed in chunks");
    assertEquals("attachment; filename=\"last.csv\"",
        response.getHeader("Content-Disposition").orElseThrow().value());
    assertEquals("id,name\r\n99999,\"row-99999, \"\"quoted\"\"\"\r\n100000,\"row-100000, \"\"quoted\"\"\"\r\n",
        body(response));
    PoolStats stats = settled(governed, Duration.ofSeconds(5));
    assertEquals(1, stats.counters().released());
    assertEquals(0, stats.counters().failedWork());
  }

  @Test
  void aClientThatDisconnectsMidDownloadGivesThePermitBack() throws Exception {
    int port = serve(2);
    try (Socket client = new Socket()) {
      // A small window, so that the server cannot push the whole download into the socket buffers.
      client.setReceiveBufferSize(8 * 1024);
      client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      out.write("GET /rows HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = client.getInputStream();
      byte[] received = new byte[4 * 1024];
      int read = 0;
      while (read < received.length) {
        int n = in.read(received, read, received.length - read);
        assertTrue(n > 0, "the download goes on");
        read += n;
      }
      String head = new String(received, StandardCharsets.US_ASCII);
      assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
      assertTrue(head.contains("Transfer-Encoding: chunked"), head);
      assertTrue(head.contains("id,name\r\n1,row-1row-1"), "rows go out in chunks of many lines: " + head);
      assertEquals(1, governed.stats().grantedLongLived(), "the download holds its permit while it runs");
    }
    // The socket is closed after 4 KB of tens of MB: the server's write fails, Akka HTTP cancels the entity.
    PoolStats stats = settled(governed, Duration.ofSeconds(5));
    assertEquals(1, stats.counters().released());
    assertEquals(0, stats.counters().failedWork(), "a cancelled download is not a failed query");
  }

  @Test
  void noPermitForTheDownloadIsA503WithAJsonError() throws Exception {
    int port = serve(1);
    SinkQueueWithCancel<String> busy = governed.database
        .stream(PermitRequest.forStream(null, "export-2", "other"), StreamTables.rowsAfter(TABLE, 0))
        .map(StreamTables.Row::name).runWith(Sink.queue(), testKit.system());
    busy.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpResponse refused = request(port, "/rows");
    assertEquals(503, refused.status().intValue());
    assertEquals("application/json", refused.entity().getContentType().toString());
    String error = body(refused);
    assertTrue(error.startsWith("{\"status\":503,\"error\":\"no permit from pool 'db' (LONG_LIVED_CAP)"), error);
    busy.cancel();
    assertEquals(0, settled(governed, Duration.ofSeconds(5)).counters().failedWork());
    HttpResponse afterwards = request(port, "/last-two");
    assertEquals(200, afterwards.status().intValue());
    afterwards.discardEntityBytes(testKit.system()).completionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
