package io.sluice.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the background services run ({@code sluice.serverless.*}, {@code sluice.background.*}): the mode, the tick
 * token, exit-on-idle and each service's switch. A service arms in-process timers only when it is enabled and the
 * mode is standalone; its part of a tick runs only when it is enabled.
 *
 * @param tickToken the bearer token of {@code POST /v1/tick}; empty in standalone mode when none is configured
 * @param exitOnIdle the quiet period after which the process exits; empty when off
 * @param switches each service's switch by its name ({@link #SCHEDULES}, {@link #CAMPAIGN_SCHEDULER},
 *     {@link #WEBHOOK_RETRY}, {@link #EMAIL_RETRY}), in that order
 */
public record BackgroundSettings(Mode mode, String tickToken, Optional<Duration> exitOnIdle,
    Map<String, Boolean> switches) {
  public static final String SCHEDULES = "schedules";
  public static final String CAMPAIGN_SCHEDULER = "campaign-scheduler";
  public static final String WEBHOOK_RETRY = "webhook-retry";
  public static final String EMAIL_RETRY = "email-retry";
  static final String SERVERLESS_ALIAS = "sluice.serverless.enabled";
  static final String TICK_TOKEN = "sluice.serverless.tick-token";
  static final String EXIT_ON_IDLE = "sluice.serverless.exit-on-idle";
  /** The shortest tick token accepted: 16 characters. */
  static final int MIN_TOKEN_LENGTH = 16;

  public BackgroundSettings {
    switches = Map.copyOf(switches);
  }

  /**
   * Reads and validates the mode, the tick token, exit-on-idle and the switches.
   *
   * @throws SettingsException naming every wrong key and why (the token's value is never part of the message)
   */
  public static BackgroundSettings from(Config config) {
    SettingsReader reader = new SettingsReader(config);
    Mode mode = reader.oneOf("sluice.mode", Mode.class, Mode.STANDALONE);
    if (config.hasPath(SERVERLESS_ALIAS) && reader.bool(SERVERLESS_ALIAS)) {
      mode = Mode.SERVERLESS;
    }
    String token = config.hasPath(TICK_TOKEN) ? reader.string(TICK_TOKEN) : "";
    if (mode == Mode.SERVERLESS && token.isBlank()) {
      reader.fail(TICK_TOKEN, "is missing but serverless mode needs it (env SLUICE_TICK_TOKEN)", null);
    } else if (!token.isEmpty() && token.strip().length() < MIN_TOKEN_LENGTH) {
      reader.fail(TICK_TOKEN, "has " + token.strip().length() + " characters but must have at least "
          + MIN_TOKEN_LENGTH, null);
    }
    Optional<Duration> exitOnIdle = Optional.empty();
    if (config.hasPath(EXIT_ON_IDLE) && !"off".equalsIgnoreCase(reader.string(EXIT_ON_IDLE).strip())) {
      exitOnIdle = Optional.of(reader.positiveDuration(EXIT_ON_IDLE));
    }
    Map<String, Boolean> switches = new LinkedHashMap<>();
    for (String service : new String[] {SCHEDULES, CAMPAIGN_SCHEDULER, WEBHOOK_RETRY, EMAIL_RETRY}) {
      String key = "sluice.background." + service + ".enabled";
      switches.put(service, !config.hasPath(key) || reader.bool(key));
    }
    reader.throwIfInvalid();
    return new BackgroundSettings(mode, token.strip(), exitOnIdle, switches);
  }

  /** Whether the named service is switched on. */
  public boolean enabled(String service) {
    Boolean enabled = switches.get(service);
    if (enabled == null) {
      throw new IllegalArgumentException("no background service '" + service + "'; known: " + switches.keySet());
    }
    return enabled;
  }

  /** Whether the named service keeps in-process timers: only when enabled and in standalone mode. */
  public boolean armsTimers(String service) {
    return enabled(service) && mode == Mode.STANDALONE;
  }

  /** The defaults: standalone, no token, no exit-on-idle, every service on; for tests and embedded use. */
  public static BackgroundSettings standalone() {
    return new BackgroundSettings(Mode.STANDALONE, "", Optional.empty(),
        Map.of(SCHEDULES, true, CAMPAIGN_SCHEDULER, true, WEBHOOK_RETRY, true, EMAIL_RETRY, true));
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "BackgroundSettings[mode=" + mode + ", tickToken=" + (tickToken.isEmpty() ? "none" : "***")
        + ", exitOnIdle=" + exitOnIdle.map(Duration::toString).orElse("off") + ", switches=" + switches + "]";
  }
}
