package io.sluice.persistence.campaign;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A read meant to be streamed row by row (a cursor with a fetch size) rather than collected: the SQL text with its
 * parameter binder and row mapper, for a streaming facade in the database package to run. Values are always bound,
 * never concatenated into {@code sql}.
 */
public record StreamingQuery<T>(String sql, Binder binder, RowMapper<T> mapper) {

  /** Binds the query's parameters. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Maps the current row; must not advance the result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }
}
