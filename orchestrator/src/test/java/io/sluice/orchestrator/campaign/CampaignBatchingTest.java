package io.sluice.orchestrator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.sluice.orchestrator.JournalTestKit;
import io.sluice.orchestrator.provider.PlaceCallResult;
import io.sluice.persistence.campaign.ClaimResult;
import io.sluice.persistence.campaign.LeadClaim;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CallReport;
import io.sluice.protocols.campaign.CallWindow;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignOwner;
import io.sluice.protocols.campaign.CampaignReply;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import io.sluice.protocols.campaign.CampaignStatus;
import io.sluice.protocols.campaign.CampaignTerms;
import io.sluice.protocols.campaign.RetryRule;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Granted;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseId;
import io.sluice.protocols.permit.PermitCommand;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The campaign entity's batching, on the real journal, with the lead table replaced by one whose settlement writes the
 * test holds and releases: the reports that arrive while one settlement batch is being written are written together
 * in the next, claims go in one unit of work per look at the due leads, and an outcome never reaches the journal (nor
 * its report an answer) before its settlement is written — across a restart too.
 */
class CampaignBatchingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final RetryRule ONE_ATTEMPT = new RetryRule(1, Duration.ofSeconds(1));
  private static JournalTestKit journal;
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() throws Exception {
    // The call-slot protocol is local by design (no serializer); every campaign message is still round-tripped.
    journal = JournalTestKit.create("CampaignBatchingTest", ConfigFactory.parseString(
        "akka.actor.no-serialization-verification-needed-class-prefix = [\"akka.\", \"io.sluice.protocols.permit.\"]"));
    testKit = journal.start();
  }

  @AfterAll
  static void stop() {
    journal.close();
  }

  @Test
  void reportsArrivingDuringAWriteAreSettledAndJournaledTogether() throws Exception {
    int leads = 20;
    HeldLeadBook book = new HeldLeadBook(leads);
    String campaignId = UUID.randomUUID().toString();
    ActorRef<CampaignCommand> campaign = testKit.spawn(Campaign.create(campaignId, ports(book, testKit)));
    startRunning(campaign, leads);
    await(() -> book.placed.get() == leads, "every lead placed");
    assertEquals(List.of(leads), book.claimBatchSizes, "one look, one claim unit for all of its leads");

    List<TestProbe<Done>> answers = new ArrayList<>();
    answers.add(report(campaign, 1));
    await(() -> book.settleBatchSizes.size() == 1, "the first report's settlement is being written");
    for (long leadId = 2; leadId <= leads; leadId++) {
      answers.add(report(campaign, leadId));
    }
    CampaignView held = view(campaign);
    assertEquals(0, held.finalCount(), "nothing journaled while its settlement is unwritten");
    assertEquals(leads, held.inFlight());
    answers.get(0).expectNoMessage(Duration.ofMillis(200));

    book.releaseHeld();
    for (TestProbe<Done> answer : answers) {
      answer.expectMessage(WAIT, Done.getInstance());
    }
    assertEquals(List.of(1, leads - 1), book.settleBatchSizes,
        "the nineteen reports that came during the first write went in one unit of work");
    await(() -> view(campaign).status() == CampaignStatus.COMPLETED, "the campaign completes");
    assertEquals(leads, view(campaign).finalCount());
    // A settlement found in the table after a crash is journaled from there: its events must be out already.
    assertEquals(Set.of(), book.writtenUnpublished, "settlements written before their webhook events were published");
    assertEquals(leads, book.published.size());
  }

  @Test
  void anOutcomeWhoseSettlementIsUnwrittenStaysInFlightAcrossARestart() throws Exception {
    int leads = 5;
    HeldLeadBook book = new HeldLeadBook(leads);
    String campaignId = UUID.randomUUID().toString();
    ActorRef<CampaignCommand> campaign = testKit.spawn(Campaign.create(campaignId, ports(book, testKit)));
    startRunning(campaign, leads);
    await(() -> book.placed.get() == leads, "every lead placed");
    for (long leadId = 1; leadId <= leads; leadId++) {
      report(campaign, leadId);
    }
    await(() -> book.settleBatchSizes.size() == 1, "the first settlement is being written");

    // A crash while the settlement is on its way: it never reaches the lead table.
    testKit = journal.restart();
    HeldLeadBook after = new HeldLeadBook(leads);
    ActorRef<CampaignCommand> recovered = testKit.spawn(Campaign.create(campaignId, ports(after, testKit)));
    CampaignView view = view(recovered);
    assertEquals(0, view.finalCount(), "no outcome was journaled");
    assertEquals(leads, view.inFlight(), "every attempt is still in flight");
    await(() -> after.claimed.size() == leads, "the attempts are driven again from their claims");
    for (long leadId = 1; leadId <= leads; leadId++) {
      assertEquals(campaignId + ":" + leadId + ":1", after.claimed.get(leadId).idempotencyKey(),
          "claimed again under the same key");
    }
  }

  private static void startRunning(ActorRef<CampaignCommand> campaign, int leads) {
    TestProbe<CampaignReply> replies = testKit.createTestProbe();
    CampaignTerms terms = new CampaignTerms("ws-batching", "batching", new CampaignOwner("u-1", "u@example.com"),
        List.of(new CallWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.MIN, LocalTime.of(23, 59))),
        Map.of(CallOutcome.NO_ANSWER, ONE_ATTEMPT, CallOutcome.BUSY, ONE_ATTEMPT, CallOutcome.VOICEMAIL, ONE_ATTEMPT,
            CallOutcome.FAILED, ONE_ATTEMPT), leads, 70);
    campaign.tell(new CampaignCommand.Create(terms, replies.ref()));
    replies.expectMessageClass(CampaignReply.Accepted.class, WAIT);
    campaign.tell(new CampaignCommand.AddLeads(leads, replies.ref()));
    replies.expectMessageClass(CampaignReply.Accepted.class, WAIT);
    campaign.tell(new CampaignCommand.Start(null, replies.ref()));
    replies.expectMessageClass(CampaignReply.Accepted.class, WAIT);
  }

  private static TestProbe<Done> report(ActorRef<CampaignCommand> campaign, long leadId) {
    TestProbe<Done> answer = testKit.createTestProbe();
    campaign.tell(new CampaignCommand.ReportOutcome(new CallReport("evt-" + leadId, "call-" + leadId, leadId, 1,
        CallOutcome.ANSWERED, 30, "talked", 50), answer.ref()));
    return answer;
  }

  private static CampaignView view(ActorRef<CampaignCommand> campaign) {
    TestProbe<CampaignReply> replies = testKit.createTestProbe();
    campaign.tell(new CampaignCommand.Get(replies.ref()));
    return replies.expectMessageClass(CampaignReply.Accepted.class, WAIT).view();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (!condition.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(deadline), "timed out waiting until " + what);
      Thread.sleep(20);
    }
  }

  private static CampaignPorts ports(HeldLeadBook book, ActorTestKit kit) {
    ActorRef<PermitCommand> slots = kit.spawn(grantEverySlot());
    CallPlacer placer = (key, campaignId, lead, attempt) -> {
      book.placed.incrementAndGet();
      return CompletableFuture.completedFuture(new PlaceCallResult.Placed("call-" + lead.leadId()));
    };
    return new CampaignPorts(book, placer, Optional.empty(),
        completed -> CompletableFuture.completedFuture(Done.getInstance()),
        (now, zones, windows) -> Optional.of(now), slots, retryAfter -> { }, Clock.systemUTC(),
        Duration.ofMinutes(1), Duration.ofMinutes(1), (workspaceId, campaignId, settlements) -> {
          settlements.forEach(settled -> book.published.add(settled.leadId()));
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  /** Call slots without a limit: every request granted at once. */
  private static Behavior<PermitCommand> grantEverySlot() {
    AtomicLong leases = new AtomicLong();
    return Behaviors.receive(PermitCommand.class)
        .onMessage(Acquire.class, acquire -> {
          acquire.replyTo().tell(new Granted(acquire.requestId(), new Lease(new LeaseId(leases.incrementAndGet()),
              "call-slots", acquire.owner(), acquire.purpose(), acquire.kind(), Duration.ofMinutes(30))));
          return Behaviors.same();
        })
        .onAnyMessage(other -> Behaviors.same())
        .build();
  }

  /**
   * Leads 1..n, all due now, in memory. Every claim succeeds; the first settlement write is held until {@link
   * #releaseHeld}, later ones are written at once.
   */
  private static final class HeldLeadBook implements LeadBook {
    final Map<Long, LeadToDial> waiting = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<Long, LeadClaim> claimed = new ConcurrentHashMap<>();
    final List<Integer> claimBatchSizes = new CopyOnWriteArrayList<>();
    final List<Integer> settleBatchSizes = new CopyOnWriteArrayList<>();
    /** Leads whose webhook events were published, and those written to the table before theirs were. */
    final Set<Long> published = ConcurrentHashMap.newKeySet();
    final Set<Long> writtenUnpublished = ConcurrentHashMap.newKeySet();
    final AtomicInteger placed = new AtomicInteger();
    private final CompletableFuture<Void> held = new CompletableFuture<>();

    HeldLeadBook(int leads) {
      for (long id = 1; id <= leads; id++) {
        waiting.put(id, new LeadToDial(id, "Lead " + id, "+1775234" + String.format("%04d", id),
            Set.of(ZoneId.of("America/Boise")), 0, "{}"));
      }
    }

    void releaseHeld() {
      held.complete(null);
    }

    @Override
    public CompletionStage<List<LeadToDial>> due(String campaignId, Instant now, int limit) {
      synchronized (waiting) {
        return CompletableFuture.completedFuture(waiting.values().stream().limit(limit).toList());
      }
    }

    @Override
    public CompletionStage<Optional<Instant>> earliestDue(String campaignId) {
      return CompletableFuture.completedFuture(waiting.isEmpty() ? Optional.empty() : Optional.of(Instant.now()));
    }

    @Override
    public CompletionStage<LeadToDial> lead(String campaignId, long leadId) {
      return CompletableFuture.completedFuture(new LeadToDial(leadId, "Lead " + leadId, "+1775234"
          + String.format("%04d", leadId), Set.of(ZoneId.of("America/Boise")), 0, "{}"));
    }

    @Override
    public CompletionStage<CampaignEvent.OutcomeRecorded> settledOutcome(String campaignId, long leadId,
        int attempt) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("nothing is settled before a claim here"));
    }

    @Override
    public CompletionStage<Done> defer(String campaignId, long leadId, Instant until) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Map<Long, ClaimResult>> claim(String workspaceId, String campaignId,
        List<LeadClaim> claims) {
      claimBatchSizes.add(claims.size());
      Map<Long, ClaimResult> results = new LinkedHashMap<>();
      claims.forEach(claim -> {
        waiting.remove(claim.leadId());
        claimed.put(claim.leadId(), claim);
        results.put(claim.leadId(), ClaimResult.CLAIMED);
      });
      return CompletableFuture.completedFuture(results);
    }

    @Override
    public CompletionStage<Done> withdraw(String campaignId, long leadId, int attempt, Instant retryAt) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<List<Boolean>> settle(String workspaceId, String campaignId,
        List<Settlement> settlements, List<String> doNotCall) {
      List<Boolean> applied = Collections.nCopies(settlements.size(), true);
      settlements.stream().map(Settlement::leadId).filter(leadId -> !published.contains(leadId))
          .forEach(writtenUnpublished::add);
      boolean first;
      synchronized (settleBatchSizes) {
        first = settleBatchSizes.isEmpty();
        settleBatchSizes.add(settlements.size());
      }
      return first ? held.thenApply(released -> applied) : CompletableFuture.completedFuture(applied);
    }

    @Override
    public CompletionStage<Done> saveView(CampaignView view) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
  }
}
