package io.sluice.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads typed values and collects every problem instead of stopping at the first, so one start-up attempt reports
 * all wrong keys. Each getter returns a harmless placeholder after recording a problem; {@link #throwIfInvalid()}
 * then refuses the whole configuration.
 */
final class SettingsReader {
  private final Config config;
  private final List<String> problems = new ArrayList<>();

  SettingsReader(Config config) {
    this.config = config;
  }

  /** Whether {@code key} is set at all (for keys without a default, such as an optional size). */
  boolean has(String key) {
    return config.hasPath(key);
  }

  String string(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      return fail(key, describe(e), "");
    }
  }

  String nonBlank(String key) {
    String value = string(key);
    return value.isBlank() && config.hasPath(key) ? fail(key, "must not be empty", value) : value;
  }

  boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      return fail(key, describe(e), false);
    }
  }

  int intAtLeast(String key, int min) {
    try {
      int value = config.getInt(key);
      return value < min ? fail(key, "is " + value + " but must be at least " + min, min) : value;
    } catch (ConfigException e) {
      return fail(key, describe(e), min);
    }
  }

  double doubleAtLeast(String key, double min) {
    try {
      double value = config.getDouble(key);
      return value < min ? fail(key, "is " + value + " but must be at least " + min, min) : value;
    } catch (ConfigException e) {
      return fail(key, describe(e), min);
    }
  }

  /**
   * A number strictly above {@code bound}, for factors where the bound itself is degenerate; {@code why} is appended
   * to the problem so the operator learns what the bound protects.
   */
  double doubleAbove(String key, double bound, String why) {
    double placeholder = Math.nextUp(bound);
    try {
      double value = config.getDouble(key);
      return value <= bound
          ? fail(key, "is " + value + " but must be above " + bound + ": " + why, placeholder)
          : value;
    } catch (ConfigException e) {
      return fail(key, describe(e), placeholder);
    }
  }

  /** A number in [0, 1]. */
  double fraction(String key) {
    double value = doubleAtLeast(key, 0.0);
    return value > 1.0 ? fail(key, "is " + value + " but must be at most 1.0", 1.0) : value;
  }

  Duration positiveDuration(String key) {
    try {
      Duration value = config.getDuration(key);
      return value.isNegative() || value.isZero()
          ? fail(key, "is " + value + " but must be a positive duration", Duration.ofSeconds(1))
          : value;
    } catch (ConfigException e) {
      return fail(key, describe(e), Duration.ofSeconds(1));
    }
  }

  Duration nonNegativeDuration(String key) {
    try {
      Duration value = config.getDuration(key);
      return value.isNegative() ? fail(key, "is " + value + " but must not be negative", Duration.ZERO) : value;
    } catch (ConfigException e) {
      return fail(key, describe(e), Duration.ZERO);
    }
  }

  <E extends Enum<E>> E oneOf(String key, Class<E> type, E fallback) {
    String raw = string(key);
    for (E candidate : type.getEnumConstants()) {
      if (candidate.name().replace('_', '-').equalsIgnoreCase(raw)) {
        return candidate;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E candidate : type.getEnumConstants()) {
      allowed.add(candidate.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return config.hasPath(key) ? fail(key, "is '" + raw + "' but must be one of " + allowed, fallback) : fallback;
  }

  /**
   * A list of {@code host:port} pairs, written either as a HOCON list or as one comma-separated string (how an
   * environment variable overrides it); blank entries are skipped, each malformed one is a problem naming it.
   */
  List<HostPort> hostPorts(String key) {
    List<String> entries = new ArrayList<>();
    try {
      if (config.getValue(key).valueType() == ConfigValueType.LIST) {
        entries.addAll(config.getStringList(key));
      } else {
        entries.addAll(List.of(config.getString(key).split(",")));
      }
    } catch (ConfigException e) {
      return fail(key, describe(e), List.of());
    }
    List<HostPort> pairs = new ArrayList<>();
    for (String entry : entries) {
      if (entry.isBlank()) {
        continue;
      }
      HostPort.parse(entry).ifPresentOrElse(pairs::add, () -> fail(key, "has '" + entry.strip()
          + "' but each entry must be host:port with a port from 1 to 65535 ([host]:port for IPv6)", null));
    }
    return List.copyOf(pairs);
  }

  /** Records a problem about {@code key} and returns {@code placeholder} so reading can go on. */
  <T> T fail(String key, String reason, T placeholder) {
    problems.add(key + " " + reason);
    return placeholder;
  }

  void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new SettingsException(problems);
    }
  }

  private static String describe(ConfigException e) {
    if (e instanceof ConfigException.Missing) {
      return "is missing";
    }
    String message = e.getMessage();
    int colon = message.lastIndexOf(": ");
    return "is invalid: " + (colon >= 0 ? message.substring(colon + 2) : message);
  }
}
