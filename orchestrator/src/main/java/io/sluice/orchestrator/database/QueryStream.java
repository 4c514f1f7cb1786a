package io.sluice.orchestrator.database;

import akka.Done;
import akka.NotUsed;
import akka.stream.javadsl.Source;
import io.sluice.persistence.JdbcQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The rows of one query as a source holding one permit from materialization to its end.
 *
 * <p>Built on {@code Source.unfoldResourceAsync}: the resource is a {@link Cursor} (lease, statement, result set).
 * Creating it asks the permit (no thread waits for it), then prepares the statement, binds its parameters, sets the
 * fetch size and executes it on the JDBC dispatcher. Each pull reads the next {@code fetchSize} rows there, one
 * round trip, and hands them on as one batch, so back-pressure stops the reads (and the cursor) between batches. The
 * stage closes the cursor on completion, on failure and on cancellation; a cursor created after the stream had already
 * stopped (cancelled while the permit was awaited) is closed as soon as it exists. Closing rolls back (the read
 * changed nothing, and the connection must go back clean) and releases the permit, flagged failed only if a read or
 * a row mapper failed.
 *
 * <p>Alpakka Slick's Java {@code Slick.source} is not used: it takes a SQL string without bind parameters and sets no
 * fetch size, so PostgreSQL would read the whole result into memory before the first row.
 */
final class QueryStream {
  private QueryStream() {}

  static <T> Source<T, NotUsed> source(Supplier<CompletionStage<LeasedConnection>> lease, JdbcQuery<T> query) {
    return Source.<List<T>, Cursor<T>>unfoldResourceAsync(
            () -> lease.get().thenCompose(leased -> Cursor.open(leased, query)),
            Cursor::read,
            Cursor::close)
        .mapConcat(rows -> rows);
  }

  /** An executed query on a leased connection; its fields are touched only in its steps, which run one at a time. */
  private static final class Cursor<T> {
    private final LeasedConnection leased;
    private final JdbcQuery<T> query;
    private PreparedStatement statement;
    private ResultSet rows;
    private boolean exhausted;
    private boolean failed;

    private Cursor(LeasedConnection leased, JdbcQuery<T> query) {
      this.leased = leased;
      this.query = query;
    }

    static <T> CompletionStage<Cursor<T>> open(LeasedConnection leased, JdbcQuery<T> query) {
      Cursor<T> cursor = new Cursor<>(leased, query);
      return leased.step(connection -> {
        try {
          cursor.statement = connection.prepareStatement(query.sql());
          cursor.statement.setFetchSize(query.fetchSize());
          query.parameters().bind(cursor.statement);
          cursor.rows = cursor.statement.executeQuery();
          return cursor;
        } catch (SQLException | RuntimeException e) {
          // The stage never sees a cursor whose creation failed, so it will not close it: this does.
          cursor.failed = true;
          cursor.close();
          throw e;
        }
      });
    }

    /** The next batch of at most fetchSize rows; empty at the end. */
    CompletionStage<Optional<List<T>>> read() {
      return leased.step(connection -> {
        if (exhausted) {
          return Optional.empty();
        }
        try {
          List<T> batch = new ArrayList<>(query.fetchSize());
          while (batch.size() < query.fetchSize() && rows.next()) {
            batch.add(query.rows().map(rows));
          }
          exhausted = batch.size() < query.fetchSize();
          return batch.isEmpty() ? Optional.empty() : Optional.of(batch);
        } catch (SQLException | RuntimeException e) {
          failed = true;
          throw e;
        }
      });
    }

    CompletionStage<Done> close() {
      return leased.step(connection -> {
        closeQuietly();
        return Done.getInstance();
      }).handle((done, error) -> Done.getInstance())
          .thenCompose(done -> leased.release(failed));
    }

    /** The release that follows rolls back and gives the connection back whatever the driver says here. */
    private void closeQuietly() {
      try (PreparedStatement closingStatement = statement; ResultSet closingRows = rows) {
        // Both closed by the try, the rows first.
      } catch (SQLException e) {
        failed = true;
      }
    }
  }
}
