package io.sluice.orchestrator.idle;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Exit-on-idle ({@code sluice.serverless.exit-on-idle}): once nothing has been in flight for the quiet period, runs
 * coordinated shutdown with {@link #REASON}, and the process started by {@code Main} exits with code 0 (Akka's
 * {@code exit-jvm}, whose default exit code this reason keeps). The actor holds one timer, for the end
 * of the quiet period: every HTTP request that ends restarts it ({@link #activity}), and when it fires the process's
 * work in flight is read (pool and call-slot leases, journal connections, webhook, campaign and email attempts, HTTP
 * requests); anything there restarts the period, nothing ends the process. The next start resumes from the database.
 */
public final class IdleExit {
  /** The shutdown reason of an idle exit; the JVM's exit code for it is Akka's default, 0. */
  public static final CoordinatedShutdown.Reason REASON = new IdleReason();

  private static final String QUIET_TIMER = "quiet";

  /** The actor's protocol. */
  public sealed interface Command {}

  /** Something happened (an HTTP request ended): the quiet period starts again. */
  public enum Activity implements Command { INSTANCE }

  enum QuietElapsed implements Command { INSTANCE }

  record Observed(Boolean busy, Throwable failure) implements Command {}

  private static final class IdleReason implements CoordinatedShutdown.Reason {
    @Override
    public String toString() {
      return "IdleExit";
    }
  }

  private IdleExit() {}

  /**
   * @param busy whether any work is in flight now; never touches the database
   * @param exit runs coordinated shutdown
   */
  public static Behavior<Command> create(Duration quiet, Supplier<CompletionStage<Boolean>> busy, Runnable exit) {
    return Behaviors.withTimers(timers -> Behaviors.setup(context -> {
      timers.startSingleTimer(QUIET_TIMER, QuietElapsed.INSTANCE, quiet);
      return Behaviors.receive(Command.class)
          .onMessage(Activity.class, activity -> {
            timers.startSingleTimer(QUIET_TIMER, QuietElapsed.INSTANCE, quiet);
            return Behaviors.same();
          })
          .onMessage(QuietElapsed.class, elapsed -> {
            context.pipeToSelf(busy.get(), Observed::new);
            return Behaviors.same();
          })
          .onMessage(Observed.class, observed -> {
            if (observed.failure() != null || observed.busy()) {
              if (!timers.isTimerActive(QUIET_TIMER)) {
                timers.startSingleTimer(QUIET_TIMER, QuietElapsed.INSTANCE, quiet);
              }
              return Behaviors.same();
            }
            if (timers.isTimerActive(QUIET_TIMER)) {
              // A request ended while the work in flight was being read: its quiet period is running.
              return Behaviors.same();
            }
            context.getLog().info("nothing in flight for {}: shutting down (exit-on-idle)", quiet);
            exit.run();
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}
