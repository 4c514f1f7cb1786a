package io.sluice.orchestrator.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.sluice.protocols.schedule.Cadence;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Due times of a cadence. Cron expressions are five-field UNIX cron, parsed and evaluated by cron-utils in the
 * schedule's time zone, so daylight-saving changes follow the wall clock: a time that does not exist on the day the
 * clocks go forward is not fired that day, and a time that happens twice when they go back fires once (the first).
 */
final class Cadences {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private Cadences() {}

  /** @throws IllegalArgumentException with cron-utils' description of what is wrong */
  static void validateCron(String expression) {
    PARSER.parse(expression).validate();
  }

  /** The first due time strictly after {@code after}; empty when the cron expression never matches again. */
  static Optional<Instant> nextAfter(Cadence cadence, Instant anchor, Instant after) {
    if (cadence instanceof Cadence.Every every) {
      long interval = every.interval().toMillis();
      long since = after.toEpochMilli() - anchor.toEpochMilli();
      long periods = since < 0 ? 0 : since / interval + 1;
      return Optional.of(anchor.plusMillis(periods * interval));
    }
    Cadence.Cron cron = (Cadence.Cron) cadence;
    ExecutionTime times = ExecutionTime.forCron(PARSER.parse(cron.expression()));
    ZonedDateTime from = after.atZone(cron.zone());
    Optional<ZonedDateTime> next = times.nextExecution(from);
    // On the day the clocks go back, wall-clock times come round again an hour later: each is fired once only.
    while (next.isPresent() && !next.get().toLocalDateTime().isAfter(from.toLocalDateTime())) {
      next = times.nextExecution(next.get().plusSeconds(1));
    }
    return next.map(ZonedDateTime::toInstant);
  }

  /** The latest due time at or before {@code now}, not before {@code first}; {@code first} if none is later. */
  static Instant latestUpTo(Cadence cadence, Instant anchor, Instant first, Instant now) {
    if (cadence instanceof Cadence.Every every) {
      long interval = every.interval().toMillis();
      long periods = Math.max(0, (now.toEpochMilli() - first.toEpochMilli()) / interval);
      return first.plusMillis(periods * interval);
    }
    Cadence.Cron cron = (Cadence.Cron) cadence;
    Optional<ZonedDateTime> last = ExecutionTime.forCron(PARSER.parse(cron.expression()))
        .lastExecution(now.plusMillis(1).atZone(cron.zone()));
    return last.map(ZonedDateTime::toInstant).filter(at -> at.isAfter(first)).orElse(first);
  }

  /** The due times strictly between {@code first} and {@code latest}, counted up to {@code cap}. */
  static long between(Cadence cadence, Instant anchor, Instant first, Instant latest, long cap) {
    if (cadence instanceof Cadence.Every every) {
      long between = Duration.between(first, latest).toMillis() / every.interval().toMillis() - 1;
      return Math.max(0, Math.min(cap, between));
    }
    long count = 0;
    Optional<Instant> next = nextAfter(cadence, anchor, first);
    while (next.isPresent() && next.get().isBefore(latest) && count < cap) {
      count++;
      next = nextAfter(cadence, anchor, next.get());
    }
    return count;
  }
}
