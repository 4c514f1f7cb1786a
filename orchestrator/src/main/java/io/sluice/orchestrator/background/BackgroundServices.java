package io.sluice.orchestrator.background;

import io.sluice.config.BackgroundSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Every background service of the process, in registration order: what a tick runs and what {@code /health} shows.
 * A service whose switch ({@code sluice.background.<name>.enabled}) is off is still listed, but a tick does not call
 * it. Registering one is a line in {@code Sluice.start}; its name must be one of {@link BackgroundSettings}'
 * switches.
 */
public final class BackgroundServices {
  private final List<BackgroundWork> services;
  private final BackgroundSettings settings;
  private final Clock clock;

  /** @throws IllegalArgumentException for a service without a switch, or two with the same name */
  public BackgroundServices(List<BackgroundWork> services, BackgroundSettings settings, Clock clock) {
    this.services = List.copyOf(services);
    this.settings = settings;
    this.clock = clock;
    List<String> names = new ArrayList<>();
    for (BackgroundWork service : this.services) {
      settings.enabled(service.name());
      if (names.contains(service.name())) {
        throw new IllegalArgumentException("background service '" + service.name() + "' registered twice");
      }
      names.add(service.name());
    }
  }

  /** What one tick did: each service's report (disabled ones ran nothing) and the earliest next due of them all. */
  public record TickReport(Instant at, List<ServiceRun> services, Instant nextDue) {}

  /** One service's part of a tick. */
  public record ServiceRun(String name, boolean enabled, int ran, Instant nextDue) {}

  /** Runs the due work of every enabled service, all at once; fails if any of them fails. */
  public CompletionStage<TickReport> tick() {
    Instant now = clock.instant();
    List<CompletableFuture<ServiceRun>> runs = new ArrayList<>();
    for (BackgroundWork service : services) {
      runs.add(settings.enabled(service.name())
          ? service.runDue(now).toCompletableFuture()
              .thenApply(report -> new ServiceRun(service.name(), true, report.ran(), report.nextDue()))
          : CompletableFuture.completedFuture(new ServiceRun(service.name(), false, 0, null)));
    }
    return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<ServiceRun> reports = runs.stream().map(CompletableFuture::join).toList();
      Instant next = reports.stream().map(ServiceRun::nextDue).filter(Objects::nonNull)
          .min(Comparator.naturalOrder()).orElse(null);
      return new TickReport(now, reports, next);
    });
  }

  /** Every service's status, for {@code /health}. */
  public CompletionStage<List<BackgroundStatus>> status() {
    List<CompletableFuture<BackgroundStatus>> states = services.stream()
        .map(service -> service.status().toCompletableFuture()).toList();
    return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new))
        .thenApply(done -> states.stream().map(CompletableFuture::join).toList());
  }

  /** The timers all services hold now (the sum of their statuses). */
  public CompletionStage<Integer> timers() {
    return status().thenApply(states -> states.stream().mapToInt(BackgroundStatus::timers).sum());
  }

  public BackgroundSettings settings() {
    return settings;
  }
}
