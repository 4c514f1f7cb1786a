package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which Acquire fields make a request invalid, with the reason named, and the cap on its wait. */
class AcquireValidationTest {
  private static final ActorRef<PermitReply> REPLY_TO = TestRequests.replyTo();

  private static Acquire request(String owner, String purpose, LeaseKind kind, Priority priority, Duration maxWait,
      ActorRef<PermitReply> replyTo) {
    return new Acquire(1, owner, purpose, kind, priority, maxWait, replyTo, null);
  }

  private static Acquire waiting(Duration maxWait) {
    return request("campaign-42", "load-leads", LeaseKind.SHORT, Priority.NORMAL, maxWait, REPLY_TO);
  }

  private static void assertProblemMentions(String expected, Acquire request) {
    String problem = AcquireValidation.problem(request);
    assertTrue(problem != null && problem.contains(expected), "problem was " + problem);
  }

  @Test
  void aCompleteRequestHasNoProblem() {
    assertNull(AcquireValidation.problem(waiting(Duration.ofMillis(1))));
  }

  @Test
  void aRequestWithoutReplyToIsInvalid() {
    assertProblemMentions("replyTo",
        request("campaign-42", "load-leads", LeaseKind.SHORT, Priority.NORMAL, Duration.ofSeconds(1), null));
  }

  @Test
  void aMissingZeroOrNegativeMaxWaitIsInvalidAndQuoted() {
    assertProblemMentions("maxWait must be positive, was null", waiting(null));
    assertProblemMentions("maxWait must be positive, was PT0S", waiting(Duration.ZERO));
    assertProblemMentions("maxWait must be positive, was PT-0.001S", waiting(Duration.ofMillis(-1)));
  }

  @Test
  void aRequestWithoutKindOrPriorityIsInvalid() {
    assertProblemMentions("kind and priority",
        request("campaign-42", "load-leads", null, Priority.NORMAL, Duration.ofSeconds(1), REPLY_TO));
    assertProblemMentions("kind and priority",
        request("campaign-42", "load-leads", LeaseKind.SHORT, null, Duration.ofSeconds(1), REPLY_TO));
  }

  @Test
  void aRequestWithoutTraceableOwnerOrPurposeIsInvalid() {
    Duration wait = Duration.ofSeconds(1);
    assertProblemMentions("owner and purpose", request(null, "load-leads", LeaseKind.SHORT, Priority.LOW, wait,
        REPLY_TO));
    assertProblemMentions("owner and purpose", request(" ", "load-leads", LeaseKind.SHORT, Priority.LOW, wait,
        REPLY_TO));
    assertProblemMentions("owner and purpose", request("campaign-42", null, LeaseKind.SHORT, Priority.LOW, wait,
        REPLY_TO));
    assertProblemMentions("owner and purpose", request("campaign-42", "\t", LeaseKind.SHORT, Priority.LOW, wait,
        REPLY_TO));
  }

  @Test
  void theWaitIsCappedAtTheLongestWaitExactly() {
    Duration justBelow = Acquire.LONGEST_WAIT.minusNanos(1);
    assertEquals(justBelow, AcquireValidation.cappedMaxWait(waiting(justBelow)));
    assertEquals(Acquire.LONGEST_WAIT, AcquireValidation.cappedMaxWait(waiting(Duration.ofDays(365))));
    assertEquals(Acquire.LONGEST_WAIT, AcquireValidation.cappedMaxWait(waiting(Acquire.LONGEST_WAIT.plusNanos(1))));
    assertEquals(Acquire.LONGEST_WAIT,
        AcquireValidation.cappedMaxWait(waiting(Duration.ofMillis(Long.MAX_VALUE))), "wait forever");
  }

  @Test
  void aShortWaitIsKeptAsAsked() {
    assertEquals(Duration.ofMillis(250), AcquireValidation.cappedMaxWait(waiting(Duration.ofMillis(250))));
  }
}
