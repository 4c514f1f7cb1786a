package io.sluice.orchestrator.http;

import akka.actor.typed.ActorRef;
import java.time.Duration;

/**
 * A pool supervisor's stats ask timed out. Its own type, instead of Akka's ask time-out, so that the API can answer
 * 503 naming the supervisor (an overloaded or stopping supervisor is unavailable, not an internal error).
 */
final class SupervisorDidNotAnswerException extends RuntimeException {

  SupervisorDidNotAnswerException(ActorRef<?> supervisor, Duration timeout, Throwable cause) {
    super("pool supervisor " + supervisor.path().name() + " did not answer within " + timeout.toMillis() + " ms",
        cause);
  }
}
