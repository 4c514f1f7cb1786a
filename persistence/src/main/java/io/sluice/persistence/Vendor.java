package io.sluice.persistence;

import java.util.Locale;

/**
 * The databases Sluice runs on, told apart by the JDBC URL. Most SQL is portable between them; what is not (the event
 * journal's DDL, the Slick profile the journal plugin needs) is chosen by vendor.
 */
public enum Vendor {
  POSTGRESQL("jdbc:postgresql:"),
  H2("jdbc:h2:");

  private final String urlPrefix;

  Vendor(String urlPrefix) {
    this.urlPrefix = urlPrefix;
  }

  /** @throws IllegalArgumentException for a URL of any other database */
  public static Vendor of(String jdbcUrl) {
    for (Vendor vendor : values()) {
      if (jdbcUrl.startsWith(vendor.urlPrefix)) {
        return vendor;
      }
    }
    throw new IllegalArgumentException("unsupported database URL (Sluice runs on jdbc:postgresql: or jdbc:h2:): "
        + jdbcUrl.split("[;?]", 2)[0]);
  }

  /** The classpath folder of this vendor's own migrations. */
  String migrationLocation() {
    return "classpath:db/vendor/" + name().toLowerCase(Locale.ROOT);
  }
}
