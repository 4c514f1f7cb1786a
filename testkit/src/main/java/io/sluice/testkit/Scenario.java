package io.sluice.testkit;

import io.sluice.protocols.permit.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A reproducible load test in virtual time: a simulated database, a pool of {@code poolSize} connections behind a
 * {@link PermitGate}, and a {@link Workload}. {@link #run} returns the figures; the same scenario and gate give the same
 * report every time.
 *
 * @param duration how long clients keep sending work (a herd runs until every task has ended, at most this long)
 * @param idealGoodput what the bottleneck allows, for the goodput ratio; 0 when not meaningful
 */
public record Scenario(
    String name,
    Supplier<SimulatedDatabase> database,
    int poolSize,
    Workload workload,
    Duration duration,
    double idealGoodput) {

  private static final Duration TRACE_INTERVAL = Duration.ofMillis(50);
  private static final long HISTOGRAM_MAX_MICROS = Duration.ofHours(1).toNanos() / 1000;

  public ScenarioReport run(PermitGate.Factory gateFactory) {
    return new Run(gateFactory).execute();
  }

  /** The state of one run. */
  private final class Run {
    private final Simulation simulation = new Simulation();
    private final SimulatedDatabase db = database.get();
    private final SimulatedConnections connections = new SimulatedConnections(simulation, db, poolSize, 1);
    private final PermitGate gate;
    private final Histogram waitMicros = new Histogram(HISTOGRAM_MAX_MICROS, 2);
    private final Histogram holdMicros = new Histogram(HISTOGRAM_MAX_MICROS, 2);
    private final Map<String, Long> errors = new HashMap<>();
    private final List<ScenarioReport.LimitPoint> trace = new ArrayList<>();
    private final long endNanos = duration.toNanos();
    private long started;
    private long completed;
    private long lastCompletion;
    private int running;

    Run(PermitGate.Factory gateFactory) {
      this.gate = gateFactory.create(simulation, connections);
    }

    ScenarioReport execute() {
      for (int client = 0; client < workload.clients(); client++) {
        String owner = "client-" + client;
        simulation.afterNanos(0, () -> startTask(owner));
      }
      traceLimit();
      simulation.runUntilQuiet(duration.plus(workload.maxWait()).plusSeconds(60));
      double seconds = (workload.repeat() ? endNanos : Math.max(lastCompletion, 1)) / 1e9;
      return new ScenarioReport(name, gate.name(), seconds, started, completed, Map.copyOf(errors),
          completed / seconds, idealGoodput, waitMicros.getValueAtPercentile(50) / 1000.0,
          waitMicros.getValueAtPercentile(99) / 1000.0, holdMicros.getValueAtPercentile(99) / 1000.0,
          db.maxOpenConnections(), connections.maxOpeningAtOnce(), List.copyOf(trace));
    }

    private void traceLimit() {
      int limit = gate.limit();
      if (trace.isEmpty() || trace.get(trace.size() - 1).limit() != limit) {
        trace.add(new ScenarioReport.LimitPoint(simulation.nanoTime() / 1_000_000, limit));
      }
      if (simulation.nanoTime() < endNanos && (workload.repeat() || running > 0 || started == 0)) {
        simulation.after(TRACE_INTERVAL, this::traceLimit);
      }
    }

    private void startTask(String owner) {
      if (simulation.nanoTime() >= endNanos) {
        return;
      }
      started++;
      running++;
      runStep(owner, 0);
    }

    private void runStep(String owner, int index) {
      List<Task.Step> steps = workload.task().steps();
      if (index == steps.size()) {
        taskEnded(owner, null);
        return;
      }
      Task.Step step = steps.get(index);
      if (step instanceof Task.Call call) {
        simulation.after(call.duration(), () -> runStep(owner, index + 1));
        return;
      }
      Task.UnderPermit block = (Task.UnderPermit) step;
      long askedAt = simulation.nanoTime();
      gate.acquire(new PermitGate.Ask(owner, workload.task().name(), Priority.NORMAL, workload.maxWait()),
          permit -> {
            long grantedAt = simulation.nanoTime();
            waitMicros.recordValue(Math.min(HISTOGRAM_MAX_MICROS, (grantedAt - askedAt) / 1000));
            runAction(owner, index, block, 0, permit, grantedAt);
          },
          reason -> taskEnded(owner, reason));
    }

    private void runAction(String owner, int stepIndex, Task.UnderPermit block, int actionIndex,
        PermitGate.Permit permit, long grantedAt) {
      if (actionIndex == block.actions().size()) {
        long held = simulation.nanoTime() - grantedAt;
        holdMicros.recordValue(Math.min(HISTOGRAM_MAX_MICROS, held / 1000));
        gate.release(permit, held, false);
        runStep(owner, stepIndex + 1);
        return;
      }
      Task.Action action = block.actions().get(actionIndex);
      long time = action instanceof Task.HeldCall call ? call.duration().toNanos() : db.startQuery(
          simulation.nanoTime());
      simulation.afterNanos(time, () -> {
        boolean failed = false;
        if (action instanceof Task.Query) {
          db.queryEnded();
          failed = db.queryFails();
        }
        if (!gate.stillHeld(permit)) {
          gate.release(permit, simulation.nanoTime() - grantedAt, true);
          taskEnded(owner, "REVOKED");
        } else if (failed) {
          gate.release(permit, simulation.nanoTime() - grantedAt, true);
          taskEnded(owner, "QUERY_FAILED");
        } else {
          runAction(owner, stepIndex, block, actionIndex + 1, permit, grantedAt);
        }
      });
    }

    private void taskEnded(String owner, String error) {
      running--;
      if (workload.repeat() && simulation.nanoTime() > endNanos) {
        return;
      }
      if (error == null) {
        completed++;
        lastCompletion = simulation.nanoTime();
      } else {
        errors.merge(error, 1L, Long::sum);
      }
      if (workload.repeat()) {
        simulation.after(workload.thinkTime(), () -> startTask(owner));
      }
    }
  }
}
