package io.sluice.orchestrator.schedule;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.JdbcWork;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One run of a {@link ScheduledJob}: which firing it is, its payload, and the permit path for its work.
 *
 * @param workspaceId null for a system schedule
 * @param payloadJson the schedule's payload
 * @param handlers the most items {@link #forEach} works on at once ({@code sluice.schedules.handlers-per-run})
 */
public record JobRun(String scheduleId, String queue, String workspaceId, Instant dueAt, String payloadJson,
    int handlers, Database database, ActorSystem<?> system) {

  /** The owner its permits are granted under, as {@code /v1/pools} shows it. */
  public String owner() {
    return "schedule-" + scheduleId;
  }

  /** One unit of database work under one permit, granted to this run. */
  public <T> CompletionStage<T> withConnection(String purpose, JdbcWork<T> work) {
    return database.withConnection(null, owner(), purpose, work);
  }

  /** Runs {@code handler} on every item, at most {@link #handlers} at once; fails with the first failure. */
  public <T> CompletionStage<Done> forEach(List<T> items, Function<T, CompletionStage<?>> handler) {
    return Source.from(items).mapAsyncUnordered(handlers, handler::apply).runWith(Sink.ignore(), system);
  }
}
