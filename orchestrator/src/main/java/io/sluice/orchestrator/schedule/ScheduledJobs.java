package io.sluice.orchestrator.schedule;

import io.sluice.protocols.schedule.ScheduleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The jobs a {@code run-job} schedule may name, registered in code before the service starts, and the schedules
 * registered in code with them (registered again at every start: an idempotent upsert, so never twice). Immutable.
 */
public final class ScheduledJobs {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private final Map<String, ScheduledJob> jobs;
  private final List<ScheduleSpec> registrations;

  private ScheduledJobs(Map<String, ScheduledJob> jobs, List<ScheduleSpec> registrations) {
    this.jobs = Map.copyOf(jobs);
    this.registrations = List.copyOf(registrations);
  }

  public static ScheduledJobs none() {
    return new ScheduledJobs(Map.of(), List.of());
  }

  /** These jobs and schedules plus {@code spec}, registered at every start (checked then, like any registration). */
  public ScheduledJobs registering(ScheduleSpec spec) {
    List<ScheduleSpec> more = new ArrayList<>(registrations);
    more.add(spec);
    return new ScheduledJobs(jobs, more);
  }

  /** The schedules registered at start-up, in order. */
  public List<ScheduleSpec> registrations() {
    return registrations;
  }

  /**
   * These jobs plus {@code job} under {@code name}.
   *
   * @throws IllegalArgumentException for a malformed name or one registered already
   */
  public ScheduledJobs with(String name, ScheduledJob job) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("job name '" + name + "' must match " + NAME.pattern());
    }
    if (jobs.containsKey(name)) {
      throw new IllegalArgumentException("a job named '" + name + "' is registered already");
    }
    Map<String, ScheduledJob> more = new TreeMap<>(jobs);
    more.put(name, job);
    return new ScheduledJobs(more, registrations);
  }

  public Optional<ScheduledJob> find(String name) {
    return Optional.ofNullable(jobs.get(name));
  }

  public Set<String> names() {
    return new java.util.TreeSet<>(jobs.keySet());
  }
}
