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
 * Due times of one cadence, its cron expression parsed once ({@link #of}): a tracked schedule keeps its own, so the
 * scheduler's hot path parses nothing. Cron expressions are five-field UNIX cron, parsed and evaluated by cron-utils in
 * the schedule's time zone, so daylight-saving changes follow the wall clock: a time that does not exist on the day
 * the clocks go forward is not fired that day, and a time that happens twice when they go back fires once (the
 * first).
 */
final class Cadences {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final Cadence cadence;
  /** The parsed cron expression; null for an interval. */
  private final ExecutionTime cronTimes;

  private Cadences(Cadence cadence, ExecutionTime cronTimes) {
    this.cadence = cadence;
    this.cronTimes = cronTimes;
  }

  /** @throws IllegalArgumentException for a malformed cron expression */
  static Cadences of(Cadence cadence) {
    return new Cadences(cadence, cadence instanceof Cadence.Cron cron
        ? ExecutionTime.forCron(PARSER.parse(cron.expression())) : null);
  }

  /** @throws IllegalArgumentException with cron-utils' description of what is wrong */
  static void validateCron(String expression) {
    PARSER.parse(expression).validate();
  }

  Cadence cadence() {
    return cadence;
  }

  /**
   * The first due time strictly after {@code after}; empty when the cron expression never matches again.
   *
   * @param anchor any due time of an interval's series (ignored for cron)
   */
  Optional<Instant> nextAfter(Instant anchor, Instant after) {
    if (cadence instanceof Cadence.Every every) {
      long interval = every.interval().toMillis();
      long since = after.toEpochMilli() - anchor.toEpochMilli();
      long periods = since < 0 ? 0 : since / interval + 1;
      return Optional.of(anchor.plusMillis(periods * interval));
    }
    ZonedDateTime from = after.atZone(((Cadence.Cron) cadence).zone());
    Optional<ZonedDateTime> next = cronTimes.nextExecution(from);
    // On the day the clocks go back, wall-clock times come round again an hour later: each is fired once only.
    while (next.isPresent() && !next.get().toLocalDateTime().isAfter(from.toLocalDateTime())) {
      next = cronTimes.nextExecution(next.get().plusSeconds(1));
    }
    return next.map(ZonedDateTime::toInstant);
  }

  /** The latest due time at or before {@code now}, not before {@code first} (a due time); {@code first} if none is later. */
  Instant latestUpTo(Instant first, Instant now) {
    if (cadence instanceof Cadence.Every every) {
      long interval = every.interval().toMillis();
      long periods = Math.max(0, (now.toEpochMilli() - first.toEpochMilli()) / interval);
      return first.plusMillis(periods * interval);
    }
    Optional<ZonedDateTime> last = cronTimes.lastExecution(now.plusMillis(1).atZone(((Cadence.Cron) cadence).zone()));
    return last.map(ZonedDateTime::toInstant).filter(at -> at.isAfter(first)).orElse(first);
  }

  /** The due times strictly between {@code first} and {@code latest} (both due times), counted up to {@code cap}. */
  long between(Instant first, Instant latest, long cap) {
    if (cadence instanceof Cadence.Every every) {
      long between = Duration.between(first, latest).toMillis() / every.interval().toMillis() - 1;
      return Math.max(0, Math.min(cap, between));
    }
    long count = 0;
    Optional<Instant> next = nextAfter(first, first);
    while (next.isPresent() && next.get().isBefore(latest) && count < cap) {
      count++;
      next = nextAfter(first, next.get());
    }
    return count;
  }
}
