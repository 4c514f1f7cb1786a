package io.sluice.protocols.schedule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.time.ZoneId;

/** When a schedule falls due: at a fixed interval, or by a cron expression read in a time zone. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Cadence.Every.class, name = "every"),
    @JsonSubTypes.Type(value = Cadence.Cron.class, name = "cron")})
public sealed interface Cadence {

  /** Every {@code interval}, counted from the registration. */
  record Every(Duration interval) implements Cadence {
    @JsonCreator
    public Every {}
  }

  /**
   * At the times a five-field UNIX cron expression names ({@code minute hour day-of-month month day-of-week}), read
   * as wall-clock times in {@code zone}: {@code 0 9 * * MON-FRI} in Europe/Paris is 09:00 Paris time all year.
   */
  record Cron(String expression, ZoneId zone) implements Cadence {}
}
