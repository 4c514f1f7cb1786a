package io.sluice.config;

/**
 * Where the database is and how much of it this process may use.
 *
 * @param maxConnections the share of the database's {@code max_connections} this process may open, summed over every
 *     pool it has
 */
public record DatabaseSettings(String url, String user, String password, int maxConnections, boolean migrateOnStart) {

  public boolean isH2() {
    return url.startsWith("jdbc:h2:");
  }

  /**
   * The database the URL points at, with nothing that could be a credential: the URL without its parameters (after
   * {@code ?} or {@code ;}) and without a {@code user:password@} before the host.
   */
  public String location() {
    return url.split("[;?]", 2)[0].replaceFirst("//[^/@]*@", "//");
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "DatabaseSettings[url=" + url + ", user=" + user + ", password=***, maxConnections=" + maxConnections
        + ", migrateOnStart=" + migrateOnStart + "]";
  }
}
