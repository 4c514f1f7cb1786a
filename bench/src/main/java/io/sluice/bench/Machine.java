package io.sluice.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** What the runners print about the machine they ran on. */
final class Machine {
  private Machine() {}

  /** Cores and Java version. */
  static String describe() {
    return String.format(Locale.ROOT, "%d cores, Java %s", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
  }

  /** The 1-minute load average now (other processes share the cores, so it is printed before every run). */
  static String load() {
    return String.format(Locale.ROOT, "load %.2f", ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage());
  }
}
