package io.sluice.orchestrator.cluster;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import akka.cluster.typed.Subscribe;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Resumes, on the nodes still there, the work of a node that left the cluster (it left, or it was downed after a
 * crash). A sharded entity lives again only when a message reaches it, and what wakes a campaign or an endpoint after
 * a start — the start-up read of the running campaigns and of the endpoints with deliveries pending — ran on that
 * node when it started, not now. So one node (a Cluster Singleton) runs that read again whenever a member is removed:
 * the woken entities start on the nodes sharding gives their shards to, and recover from the journal; and the
 * provider events that arrived while their campaign could not be reached are handed over again. Waking an entity
 * that is awake already changes nothing; an event already processed is not handed over. A resumption that fails (the
 * database unreachable for a moment, an event that could not reach its campaign yet) is tried again every
 * {@link #RETRY_AFTER} until it succeeds.
 */
public final class ResumeOnMemberRemoved {
  /** The singleton's name. */
  public static final String NAME = "resume-on-member-removed";
  static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(5);

  private record MemberRemoved(String member) implements NoSerializationVerificationNeeded {}

  private record Resumed(String member, String what, Throwable failure) implements NoSerializationVerificationNeeded {}

  private ResumeOnMemberRemoved() {}

  /**
   * Starts the singleton on every node (it runs on the oldest).
   *
   * @param resume wakes what the database says should run; answers what it woke, for the log
   */
  public static void init(ActorSystem<?> system, Supplier<CompletionStage<String>> resume) {
    ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.supervise(create(resume)).onFailure(SupervisorStrategy.restart()), NAME));
  }

  static Behavior<Object> create(Supplier<CompletionStage<String>> resume) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.setLoggerName(ResumeOnMemberRemoved.class);
      ActorRef<ClusterEvent.MemberRemoved> removals = context.messageAdapter(ClusterEvent.MemberRemoved.class,
          removed -> new MemberRemoved(removed.member().address().toString()));
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(removals,
          ClusterEvent.MemberRemoved.class));
      return Behaviors.receive(Object.class)
          .onMessage(MemberRemoved.class, removed -> {
            context.pipeToSelf(resume.get(), (what, failure) -> new Resumed(removed.member(), what, failure));
            return Behaviors.same();
          })
          .onMessage(Resumed.class, resumed -> {
            if (resumed.failure() != null) {
              context.getLog().warn("work of a removed member not resumed yet, trying again in {}: member={}"
                  + " failure={}", RETRY_AFTER, resumed.member(), resumed.failure().toString());
              timers.startSingleTimer("retry-" + resumed.member(), new MemberRemoved(resumed.member()), RETRY_AFTER);
            } else {
              context.getLog().info("work of a removed member resumed: member={} woke={}", resumed.member(),
                  resumed.what());
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
