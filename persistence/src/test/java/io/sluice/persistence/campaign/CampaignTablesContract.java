package io.sluice.persistence.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocols.campaign.CampaignStatus;
import io.sluice.persistence.JdbcQuery;
import io.sluice.persistence.JdbcWork;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.HotLead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every campaign query against a real database, each unit of work in its own transaction as the facade runs it.
 * Subclasses name the database; each test uses fresh campaign and workspace ids, so runs do not interfere.
 */
abstract class CampaignTablesContract {
  static final Instant T0 = Instant.parse("2026-03-02T15:00:00Z");

  final String campaign = UUID.randomUUID().toString();
  final String workspace = "ws-" + UUID.randomUUID();

  abstract Connection connect() throws SQLException;

  /** Runs the work in one transaction, committing on success and rolling back on failure, like the facade. */
  <T> T run(JdbcWork<T> work) throws SQLException {
    try (Connection connection = connect()) {
      return runOn(connection, work, true);
    }
  }

  static <T> T runOn(Connection connection, JdbcWork<T> work, boolean commit) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      if (commit) {
        connection.commit();
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  static NewLead lead(long id, String phone) {
    return new NewLead(id, "Lead " + id, phone, List.of("America/Boise", "America/Los_Angeles"),
        "{\"plan\":\"gold\"}");
  }

  static List<NewLead> leads(int count) {
    List<NewLead> leads = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      leads.add(lead(i, String.format("+1775234%04d", i)));
    }
    return leads;
  }

  /** One lead's claim through the batch claim, as {@code attemptsSoFar} and {@code key} would have it. */
  JdbcWork<ClaimResult> claim(long leadId, int attemptsSoFar, String key) {
    JdbcWork<Map<Long, ClaimResult>> claim = CampaignLeads.claim(campaign, workspace,
        List.of(new LeadClaim(leadId, attemptsSoFar + 1, key)), T0);
    return connection -> claim.run(connection).get(leadId);
  }

  JdbcWork<Boolean> recordOutcome(long leadId, int attempt, OutcomeUpdate outcome) {
    JdbcWork<List<Boolean>> record = CampaignLeads.recordOutcomes(campaign,
        List.of(new LeadOutcome(leadId, attempt, outcome)), T0);
    return connection -> record.run(connection).get(0);
  }

  LeadRow only(long leadId) throws SQLException {
    return run(CampaignLeads.list(campaign, Optional.empty(), Optional.empty(), leadId - 1, 1)).get(0);
  }

  @Test
  void leadsAreInsertedInBatchesAndComeDueInOrder() throws SQLException {
    assertEquals(5, run(CampaignLeads.insert(campaign, leads(5), 2, T0, T0)));
    assertTrue(run(CampaignLeads.reschedule(campaign, 2, T0.minusSeconds(60), T0)));
    assertTrue(run(CampaignLeads.reschedule(campaign, 5, T0.plusSeconds(60), T0)));

    List<LeadRow> due = run(CampaignLeads.due(campaign, T0, 10));
    assertEquals(List.of(2L, 1L, 3L, 4L), due.stream().map(LeadRow::leadId).toList());
    assertEquals(List.of(2L, 1L), run(CampaignLeads.due(campaign, T0, 2)).stream().map(LeadRow::leadId).toList());
    LeadRow first = due.get(1);
    assertEquals("+17752340001", first.phone());
    assertEquals(List.of("America/Boise", "America/Los_Angeles"), first.zones());
    assertEquals("{\"plan\":\"gold\"}", first.metadataJson());
    assertEquals(LeadState.PENDING, first.state());
    assertEquals(0, first.attempts());
    assertEquals(T0, first.nextAttemptAt());
    assertEquals(5, run(CampaignLeads.due(campaign, T0.plusSeconds(60), 10)).size());
  }

  @Test
  void aDuplicatePhoneRollsTheWholeInsertBack() throws SQLException {
    List<NewLead> leads = new ArrayList<>(leads(3));
    leads.add(lead(4, "+17752340002"));
    assertThrows(SQLException.class, () -> run(CampaignLeads.insert(campaign, leads, 2, T0, T0)));
    assertEquals(0L, run(CampaignLeads.countByState(campaign)).get(LeadState.PENDING));
  }

  @Test
  void earliestDueIsTheSoonestPendingLead() throws SQLException {
    assertEquals(Optional.empty(), run(CampaignLeads.earliestDue(campaign)));
    run(CampaignLeads.insert(campaign, leads(3), 10, T0.plusSeconds(600), T0));
    run(CampaignLeads.reschedule(campaign, 3, T0.plusSeconds(300), T0));
    assertEquals(Optional.of(T0.plusSeconds(300)), run(CampaignLeads.earliestDue(campaign)));
    // A lead being dialled is not waiting for anything.
    run(CampaignLeads.reschedule(campaign, 3, T0, T0));
    run(claim(3, 0, "k-3-1"));
    assertEquals(Optional.of(T0.plusSeconds(600)), run(CampaignLeads.earliestDue(campaign)));
  }

  @Test
  void aClaimedAttemptEndsOnceAndRetriesUntilFinal() throws SQLException {
    run(CampaignLeads.insert(campaign, leads(1), 10, T0, T0));
    assertEquals(ClaimResult.NOT_CLAIMABLE, run(claim(1, 1, "stale")),
        "the caller saw a different attempt count");
    assertEquals(ClaimResult.CLAIMED, run(claim(1, 0, "k-1-1")));
    LeadRow dialing = only(1);
    assertEquals(LeadState.DIALING, dialing.state());
    assertEquals(1, dialing.attempts());
    assertEquals("k-1-1", dialing.idempotencyKey());
    assertNull(dialing.nextAttemptAt());
    assertEquals(ClaimResult.CLAIMED, run(claim(1, 0, "k-1-1")),
        "the same attempt claimed again under its own key (a campaign resuming after a crash)");
    assertEquals(1, only(1).attempts(), "claiming again changed nothing");
    assertEquals(ClaimResult.NOT_CLAIMABLE, run(claim(1, 0, "other-key")),
        "another claimer of the same attempt loses");
    assertEquals(List.of(1L), run(CampaignLeads.dialing(campaign)).stream().map(LeadRow::leadId).toList());

    Instant retryAt = T0.plus(Duration.ofHours(2));
    OutcomeUpdate busy = OutcomeUpdate.unscored(CallOutcome.BUSY, retryAt, "call-1");
    assertFalse(run(recordOutcome(1, 2, busy)), "not the attempt in progress");
    assertTrue(run(recordOutcome(1, 1, busy)));
    assertFalse(run(recordOutcome(1, 1, busy)), "a redelivered report changes nothing");
    assertEquals(ClaimResult.ALREADY_SETTLED, run(claim(1, 0, "k-1-1")),
        "the attempt claimed again after its settlement was written (a crash before journaling it)");
    assertEquals(ClaimResult.NOT_CLAIMABLE, run(claim(1, 0, "other-key")), "another key's attempt is not settled");
    LeadRow pending = only(1);
    assertEquals(LeadState.PENDING, pending.state());
    assertEquals(retryAt, pending.nextAttemptAt());
    assertEquals(CallOutcome.BUSY, pending.lastOutcome());
    assertEquals("call-1", pending.callId());
    assertEquals(List.of(), run(CampaignLeads.dialing(campaign)));

    assertEquals(ClaimResult.CLAIMED, run(claim(1, 1, "k-1-2")));
    OutcomeUpdate answered = new OutcomeUpdate(CallOutcome.ANSWERED, null, 91, "interested", "wants a demo", true,
        "call-2");
    assertTrue(run(recordOutcome(1, 2, answered)));
    assertEquals(ClaimResult.ALREADY_SETTLED, run(claim(1, 1, "k-1-2")), "also once the lead is final");
    LeadRow done = only(1);
    assertEquals(LeadState.FINAL, done.state());
    assertEquals(2, done.attempts());
    assertEquals(91, done.score());
    assertEquals("interested", done.classification());
    assertTrue(done.hot());
    assertFalse(run(CampaignLeads.reschedule(campaign, 1, T0, T0)), "a final lead is not rescheduled");
    assertEquals(ClaimResult.NOT_CLAIMABLE, run(claim(1, 2, "k-1-3")));
  }

  @Test
  void oneBatchClaimsAndSettlesManyLeadsEachByItsOwnRule() throws SQLException {
    run(CampaignLeads.insert(campaign, leads(5), 10, T0, T0));
    run(DoNotCallList.add(workspace, "+17752340004", "asked", T0));
    run(claim(2, 0, "k-2-1"));
    assertEquals(Map.of(1L, ClaimResult.CLAIMED, 2L, ClaimResult.CLAIMED, 3L, ClaimResult.NOT_CLAIMABLE,
            4L, ClaimResult.DO_NOT_CALL, 5L, ClaimResult.CLAIMED),
        run(CampaignLeads.claim(campaign, workspace, List.of(new LeadClaim(1, 1, "k-1-1"),
            new LeadClaim(2, 1, "k-2-1"), new LeadClaim(3, 2, "stale"), new LeadClaim(4, 1, "k-4-1"),
            new LeadClaim(5, 1, "k-5-1")), T0)),
        "new, already this attempt's, a stale attempt count, on the list, new");
    assertEquals(List.of(1L, 2L, 5L), ids(run(CampaignLeads.dialing(campaign))));
    assertEquals("k-5-1", only(5).idempotencyKey());

    Instant retryAt = T0.plusSeconds(3600);
    assertEquals(List.of(true, false, true, false),
        run(CampaignLeads.recordOutcomes(campaign, List.of(
            new LeadOutcome(1, 1, OutcomeUpdate.unscored(CallOutcome.BUSY, retryAt, "c1")),
            new LeadOutcome(2, 2, OutcomeUpdate.unscored(CallOutcome.BUSY, retryAt, "c2")),
            new LeadOutcome(5, 1, new OutcomeUpdate(CallOutcome.ANSWERED, null, 90, null, "s5", true, "c5")),
            new LeadOutcome(3, 1, OutcomeUpdate.unscored(CallOutcome.BUSY, retryAt, "c3"))), T0)),
        "applied, not the attempt in progress, applied, never claimed");
    assertEquals(LeadState.PENDING, only(1).state());
    assertEquals(retryAt, only(1).nextAttemptAt());
    assertEquals(LeadState.DIALING, only(2).state());
    assertEquals(LeadState.FINAL, only(5).state());
    assertEquals(90, only(5).score());
    assertEquals(Map.of(), run(CampaignLeads.claim(campaign, workspace, List.of(), T0)), "an empty batch");
  }

  @Test
  void ofConcurrentClaimsExactlyOneWins() throws Exception {
    run(CampaignLeads.insert(campaign, leads(1), 10, T0, T0));
    int claimers = 4;
    ExecutorService threads = Executors.newFixedThreadPool(claimers);
    try {
      CountDownLatch ready = new CountDownLatch(claimers);
      List<Future<ClaimResult>> results = new ArrayList<>();
      for (int i = 0; i < claimers; i++) {
        String key = "k-" + i;
        results.add(threads.submit(() -> {
          try (Connection connection = connect()) {
            ready.countDown();
            ready.await();
            return runOn(connection, claim(1, 0, key), true);
          }
        }));
      }
      List<ClaimResult> answers = new ArrayList<>();
      for (Future<ClaimResult> result : results) {
        answers.add(result.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, answers.stream().filter(ClaimResult.CLAIMED::equals).count(), answers.toString());
      assertEquals(claimers - 1, answers.stream().filter(ClaimResult.NOT_CLAIMABLE::equals).count());
      assertEquals(1, only(1).attempts());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aClaimWaitingOnAnUncommittedClaimLosesOnceItCommits() throws Exception {
    run(CampaignLeads.insert(campaign, leads(1), 10, T0, T0));
    try (Connection first = connect(); Connection second = connect()) {
      assertEquals(ClaimResult.CLAIMED, runOn(first, claim(1, 0, "a"), false));
      CompletableFuture<ClaimResult> racing = CompletableFuture.supplyAsync(() -> {
        try {
          return runOn(second, claim(1, 0, "b"), true);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      assertFalse(racing.isDone(), "the second claim waits for the first transaction's row lock");
      first.commit();
      assertEquals(ClaimResult.NOT_CLAIMABLE, racing.get(30, TimeUnit.SECONDS));
    }
    assertEquals("a", only(1).idempotencyKey());
  }

  @Test
  void aNumberOnTheWorkspacesDoNotCallListIsNeverClaimed() throws SQLException {
    run(CampaignLeads.insert(campaign, leads(2), 10, T0, T0));
    run(DoNotCallList.add("other-" + workspace, "+17752340002", "another workspace's list", T0));
    assertEquals(ClaimResult.CLAIMED, run(claim(2, 0, "k-2-1")),
        "another workspace's entry does not apply");
    // Added after the campaign was created: still honoured at dial time.
    assertTrue(run(DoNotCallList.add(workspace, "+17752340001", "asked on the phone", T0)));
    assertEquals(ClaimResult.DO_NOT_CALL, run(claim(1, 0, "k-1-1")));
    LeadRow refused = only(1);
    assertEquals(LeadState.FINAL, refused.state());
    assertEquals(CallOutcome.DO_NOT_CALL, refused.lastOutcome());
    assertEquals(0, refused.attempts());
    assertEquals(ClaimResult.NOT_CLAIMABLE, run(claim(1, 0, "k-1-1")));
  }

  @Test
  void countsListsAndHotLeadsReflectTheOutcomes() throws SQLException {
    run(CampaignLeads.insert(campaign, leads(6), 10, T0, T0));
    finish(1, new OutcomeUpdate(CallOutcome.ANSWERED, null, 80, "interested", "s1", true, "c1"));
    finish(2, new OutcomeUpdate(CallOutcome.ANSWERED, null, 95, "interested", "s2", true, "c2"));
    finish(3, new OutcomeUpdate(CallOutcome.ANSWERED, null, 20, "not-interested", "s3", false, "c3"));
    finish(4, OutcomeUpdate.unscored(CallOutcome.NO_ANSWER, T0.plusSeconds(3600), "c4"));
    finish(5, new OutcomeUpdate(CallOutcome.ANSWERED, null, 80, "callback", "s5", true, "c5"));
    run(claim(6, 0, "k6"));

    assertEquals(Map.of(LeadState.PENDING, 1L, LeadState.DIALING, 1L, LeadState.FINAL, 4L),
        run(CampaignLeads.countByState(campaign)));
    assertEquals(Map.of(CallOutcome.ANSWERED, 4L, CallOutcome.NO_ANSWER, 1L),
        run(CampaignLeads.countByOutcome(campaign)));
    assertEquals(List.of("callback", "interested", "not-interested"),
        List.copyOf(run(CampaignLeads.countByClassification(campaign)).keySet()));
    assertEquals(2L, run(CampaignLeads.countByClassification(campaign)).get("interested"));

    assertEquals(List.of(1L, 2L), ids(run(CampaignLeads.list(campaign, Optional.of(CallOutcome.ANSWERED),
        Optional.of("interested"), 0, 10))));
    List<LeadRow> firstPage = run(CampaignLeads.list(campaign, Optional.of(CallOutcome.ANSWERED), Optional.empty(),
        0, 2));
    assertEquals(List.of(1L, 2L), ids(firstPage));
    assertEquals(List.of(3L, 5L), ids(run(CampaignLeads.list(campaign, Optional.of(CallOutcome.ANSWERED),
        Optional.empty(), firstPage.get(1).leadId(), 2))));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ids(run(CampaignLeads.list(campaign, Optional.empty(),
        Optional.empty(), 0, 100))));

    List<HotLead> top = run(CampaignLeads.topHot(campaign, 2));
    assertEquals(List.of(new HotLead(2, "Lead 2", "+17752340002", 95, "interested", "s2"),
        new HotLead(1, "Lead 1", "+17752340001", 80, "interested", "s1")), top);
    assertEquals(List.of(2L, 1L, 5L), run(connection -> stream(connection, CampaignLeads.hotLeads(campaign)))
        .stream().map(HotLead::leadId).toList());
  }

  private void finish(long leadId, OutcomeUpdate outcome) throws SQLException {
    assertEquals(ClaimResult.CLAIMED, run(claim(leadId, 0, "k" + leadId)));
    assertTrue(run(recordOutcome(leadId, 1, outcome)));
  }

  private static List<Long> ids(List<LeadRow> rows) {
    return rows.stream().map(LeadRow::leadId).toList();
  }

  /** Runs a streaming query the way a cursor-based facade would: bound, with a fetch size, row by row. */
  private static <T> List<T> stream(Connection connection, JdbcQuery<T> query) throws SQLException {
    List<T> rows = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(query.sql())) {
      statement.setFetchSize(1);
      query.parameters().bind(statement);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          rows.add(query.rows().map(row));
        }
      }
    }
    return rows;
  }

  @Test
  void theDoNotCallListAddsRemovesAndPages() throws SQLException {
    assertTrue(run(DoNotCallList.add(workspace, "+12125550002", "asked", T0)));
    assertFalse(run(DoNotCallList.add(workspace, "+12125550002", "again", T0.plusSeconds(5))), "already listed");
    assertTrue(run(DoNotCallList.add(workspace, "+12125550001", null, T0)));
    assertTrue(run(DoNotCallList.add(workspace, "+12125550003", null, T0)));
    assertTrue(run(DoNotCallList.contains(workspace, "+12125550002")));
    assertFalse(run(DoNotCallList.contains("other-" + workspace, "+12125550002")));

    List<DoNotCallEntry> page = run(DoNotCallList.list(workspace, "", 2));
    assertEquals(List.of(new DoNotCallEntry("+12125550001", T0, null), new DoNotCallEntry("+12125550002", T0,
        "asked")), page);
    assertEquals(List.of("+12125550003"), run(DoNotCallList.list(workspace, page.get(1).phone(), 2)).stream()
        .map(DoNotCallEntry::phone).toList());

    assertTrue(run(DoNotCallList.remove(workspace, "+12125550002")));
    assertFalse(run(DoNotCallList.remove(workspace, "+12125550002")));
    assertFalse(run(DoNotCallList.contains(workspace, "+12125550002")));
  }

  @Test
  void notificationPreferencesAreStoredPerUser() throws SQLException {
    assertEquals(Optional.empty(), run(NotificationPreferences.campaignSummaryEmail(workspace, "u-1")));
    run(NotificationPreferences.setCampaignSummaryEmail(workspace, "u-1", false));
    assertEquals(Optional.of(false), run(NotificationPreferences.campaignSummaryEmail(workspace, "u-1")));
    run(NotificationPreferences.setCampaignSummaryEmail(workspace, "u-1", true));
    assertEquals(Optional.of(true), run(NotificationPreferences.campaignSummaryEmail(workspace, "u-1")));
    assertEquals(Optional.empty(), run(NotificationPreferences.campaignSummaryEmail(workspace, "u-2")));
  }

  @Test
  void campaignRowsAreUpsertedAndRunningOnesResumed() throws SQLException {
    CampaignRow created = new CampaignRow(campaign, workspace, "Spring", "u-1", "ana@example.com",
        CampaignStatus.SCHEDULED, 6, 0, 0, T0.plusSeconds(60), T0, T0);
    assertTrue(run(Campaigns.upsert(created)));
    CampaignRow progressed = new CampaignRow(campaign, workspace, "Spring", "u-1", "ana@example.com",
        CampaignStatus.RUNNING, 6, 2, 1, T0.plusSeconds(120), T0.plusSeconds(999), T0.plusSeconds(90));
    assertFalse(run(Campaigns.upsert(progressed)));
    CampaignRow stored = run(Campaigns.find(campaign)).orElseThrow();
    assertEquals(T0, stored.createdAt(), "created_at is kept from the first write");
    assertEquals(new CampaignRow(campaign, workspace, "Spring", "u-1", "ana@example.com", CampaignStatus.RUNNING, 6,
        2, 1, T0.plusSeconds(120), T0, T0.plusSeconds(90)), stored);
    assertTrue(run(Campaigns.toResume()).contains(stored));
    assertEquals(List.of(stored), run(Campaigns.ofWorkspace(workspace, 10)));

    assertTrue(run(Campaigns.updateStatus(campaign, CampaignStatus.COMPLETED, null, T0.plusSeconds(200))));
    assertFalse(run(Campaigns.toResume()).stream().anyMatch(row -> row.id().equals(campaign)));
    CampaignRow completed = run(Campaigns.find(campaign)).orElseThrow();
    assertEquals(CampaignStatus.COMPLETED, completed.status());
    assertNull(completed.nextWakeAt());
    assertFalse(run(Campaigns.updateStatus("no-such-campaign", CampaignStatus.RUNNING, null, T0)));
    assertEquals(Optional.empty(), run(Campaigns.find("no-such-campaign")));
  }
}
