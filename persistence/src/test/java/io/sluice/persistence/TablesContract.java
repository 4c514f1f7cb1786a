package io.sluice.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What the table contracts (one subclass per database) share: a unit of work in a transaction, and a count. */
public abstract class TablesContract {

  protected abstract Connection connect() throws SQLException;

  /** Runs {@code work} in one transaction, committed, or rolled back when it throws. */
  protected <T> T run(JdbcWork<T> work) throws SQLException {
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /** The single number {@code sql} answers with {@code parameter} bound. */
  protected long count(String sql, String parameter) throws SQLException {
    try (Connection connection = connect(); PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, parameter);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}
