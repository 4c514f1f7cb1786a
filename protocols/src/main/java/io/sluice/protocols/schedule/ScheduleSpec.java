package io.sluice.protocols.schedule;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A schedule's registration. One schedule exists per (queue, workspace); a system schedule has no workspace, and
 * there is still only one of it. Every part has its own type, so no argument can land in another's place: a workspace
 * passed where the payload goes does not compile. Build one with {@link #builder}.
 *
 * @param queue the schedule's name, unique within its workspace
 * @param workspace the workspace it belongs to; {@link Workspace#SYSTEM} for Sluice's own schedules
 * @param payload JSON handed to the action: the event's data, the job's input
 */
public record ScheduleSpec(Queue queue, Workspace workspace, Cadence cadence, Payload payload,
    ScheduleAction action, OverlapPolicy overlap, CatchUpPolicy catchUp) {

  public ScheduleSpec {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(cadence, "cadence");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(overlap, "overlap");
    Objects.requireNonNull(catchUp, "catchUp");
  }

  /** A schedule's name within its workspace. */
  public record Queue(String name) {
    @JsonCreator
    public Queue {
      Objects.requireNonNull(name, "queue name");
    }
  }

  /** The workspace a schedule belongs to; {@link #SYSTEM} (no id) for Sluice's own. */
  public record Workspace(String id) {
    @JsonCreator
    public Workspace {}

    public static final Workspace SYSTEM = new Workspace(null);

    public static Workspace of(String id) {
      return new Workspace(Objects.requireNonNull(id, "workspace id; use Workspace.SYSTEM for a system schedule"));
    }

    public boolean isSystem() {
      return id == null;
    }
  }

  /** The JSON a firing hands to its action. */
  public record Payload(String json) {
    public static final Payload EMPTY = new Payload("{}");

    @JsonCreator
    public Payload {
      Objects.requireNonNull(json, "payload json");
    }
  }

  public static Builder builder(Queue queue, Workspace workspace) {
    return new Builder(queue, workspace);
  }

  /** Named steps for the parts after the identity; policies default to SKIP and SKIP_MISSED, the payload to {}. */
  public static final class Builder {
    private final Queue queue;
    private final Workspace workspace;
    private Cadence cadence;
    private Payload payload = Payload.EMPTY;
    private ScheduleAction action;
    private OverlapPolicy overlap = OverlapPolicy.SKIP;
    private CatchUpPolicy catchUp = CatchUpPolicy.SKIP_MISSED;

    private Builder(Queue queue, Workspace workspace) {
      this.queue = queue;
      this.workspace = workspace;
    }

    public Builder every(Duration interval) {
      cadence = new Cadence.Every(interval);
      return this;
    }

    public Builder cron(String expression, ZoneId zone) {
      cadence = new Cadence.Cron(expression, zone);
      return this;
    }

    public Builder payload(Payload value) {
      payload = value;
      return this;
    }

    public Builder action(ScheduleAction value) {
      action = value;
      return this;
    }

    public Builder overlap(OverlapPolicy value) {
      overlap = value;
      return this;
    }

    public Builder catchUp(CatchUpPolicy value) {
      catchUp = value;
      return this;
    }

    /** @throws NullPointerException naming the part that was never given */
    public ScheduleSpec build() {
      return new ScheduleSpec(queue, workspace, cadence, payload, action, overlap, catchUp);
    }
  }
}
