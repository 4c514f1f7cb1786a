package io.sluice.orchestrator.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import com.typesafe.config.ConfigFactory;
import io.sluice.protocols.schedule.CatchUpPolicy;
import io.sluice.protocols.schedule.OverlapPolicy;
import io.sluice.protocols.schedule.ScheduleAction;
import io.sluice.protocols.schedule.ScheduleSpec;
import io.sluice.protocols.schedule.SchedulerCommand;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every scheduler command and reply — what crosses nodes once the scheduler is a Cluster Singleton — survives Akka
 * serialization (Jackson CBOR) unchanged, and so does a registration with either cadence and every action.
 */
class SchedulerProtocolSerializationTest {
  private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");
  private static ActorTestKit testKit;
  private static SerializationTestKit serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("SchedulerProtocolSerializationTest",
        ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void commandsAndRepliesRoundTrip() {
    serialization.verifySerialization(new SchedulerCommand.ScheduleChanged("sch_1"), true);
    serialization.verifySerialization(new SchedulerCommand.RunNow("sch_1",
        testKit.<SchedulerCommand.RunNowReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new SchedulerCommand.RunDue(AT,
        testKit.<SchedulerCommand.DueFired>createTestProbe().ref()), true);
    serialization.verifySerialization(new SchedulerCommand.GetStatus(
        testKit.<SchedulerCommand.SchedulerStatus>createTestProbe().ref()), true);
    serialization.verifySerialization(new SchedulerCommand.RunNowReply("sch_1", true, "started"), true);
    serialization.verifySerialization(new SchedulerCommand.DueFired(3, AT), true);
    serialization.verifySerialization(new SchedulerCommand.DueFired(0, null), true);
    serialization.verifySerialization(new SchedulerCommand.SchedulerStatus(10, 1, 2, AT, AT.plusSeconds(5)), true);
  }

  @Test
  void registrationsRoundTripWithEitherCadenceAndEveryAction() throws Exception {
    var mapper = akka.serialization.jackson.JacksonObjectMapperProvider.get(testKit.system())
        .getOrCreate("jackson-cbor", java.util.Optional.empty());
    for (ScheduleSpec spec : new ScheduleSpec[] {
        ScheduleSpec.builder(new ScheduleSpec.Queue("digest"), ScheduleSpec.Workspace.of("ws-1"))
            .cron("0 9 * * MON-FRI", ZoneId.of("Europe/Paris")).payload(new ScheduleSpec.Payload("{\"a\":1}"))
            .action(new ScheduleAction.PublishEvent("report.ready")).overlap(OverlapPolicy.QUEUE_ONE)
            .catchUp(CatchUpPolicy.RUN_ONCE).build(),
        ScheduleSpec.builder(new ScheduleSpec.Queue("kick-off"), ScheduleSpec.Workspace.of("ws-1"))
            .every(Duration.ofMinutes(15)).action(new ScheduleAction.StartCampaign("c-1")).build(),
        ScheduleSpec.builder(new ScheduleSpec.Queue("memo.batch-check"), ScheduleSpec.Workspace.SYSTEM)
            .every(Duration.ofSeconds(30)).action(new ScheduleAction.RunJob("memo-batch-check")).build()}) {
      assertEquals(spec, mapper.readValue(mapper.writeValueAsBytes(spec), ScheduleSpec.class));
    }
  }
}
