package io.sluice.orchestrator.campaign;

import akka.Done;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.campaign.CampaignLeads;
import io.sluice.persistence.campaign.CampaignRow;
import io.sluice.persistence.campaign.Campaigns;
import io.sluice.persistence.campaign.ClaimResult;
import io.sluice.persistence.campaign.LeadClaim;
import io.sluice.persistence.campaign.LeadOutcome;
import io.sluice.persistence.campaign.LeadRow;
import io.sluice.persistence.campaign.LeadState;
import io.sluice.persistence.campaign.OutcomeUpdate;
import io.sluice.protocols.campaign.CampaignEvent;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** {@link LeadBook} on the lead and campaign tables, each call one unit of work under one database permit. */
public final class LeadTable implements LeadBook {
  private final Database database;
  private final Clock clock;

  public LeadTable(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public CompletionStage<List<LeadToDial>> due(String campaignId, Instant now, int limit) {
    return run(campaignId, "due-leads", CampaignLeads.due(campaignId, now, limit))
        .thenApply(rows -> rows.stream().map(LeadTable::toDial).toList());
  }

  @Override
  public CompletionStage<Optional<Instant>> earliestDue(String campaignId) {
    return run(campaignId, "next-due", CampaignLeads.earliestDue(campaignId));
  }

  @Override
  public CompletionStage<LeadToDial> lead(String campaignId, long leadId) {
    return run(campaignId, "load-lead", CampaignLeads.find(campaignId, leadId))
        .thenApply(row -> toDial(row.orElseThrow(() ->
            new NoSuchElementException("campaign " + campaignId + " has no lead " + leadId))));
  }

  @Override
  public CompletionStage<CampaignEvent.OutcomeRecorded> settledOutcome(String campaignId, long leadId, int attempt) {
    return run(campaignId, "load-settled-lead", CampaignLeads.find(campaignId, leadId)).thenApply(found -> {
      LeadRow row = found.orElseThrow(() ->
          new NoSuchElementException("campaign " + campaignId + " has no lead " + leadId));
      return new CampaignEvent.OutcomeRecorded(leadId, attempt, row.lastOutcome(), row.state() == LeadState.FINAL,
          row.hot());
    });
  }

  @Override
  public CompletionStage<Done> defer(String campaignId, long leadId, Instant until) {
    return run(campaignId, "defer-lead", CampaignLeads.reschedule(campaignId, leadId, until, clock.instant()))
        .thenApply(moved -> Done.getInstance());
  }

  @Override
  public CompletionStage<Map<Long, ClaimResult>> claim(String workspaceId, String campaignId,
      List<LeadClaim> claims) {
    return run(campaignId, "claim-leads", CampaignLeads.claim(campaignId, workspaceId, claims, clock.instant()));
  }

  @Override
  public CompletionStage<Done> withdraw(String campaignId, long leadId, int attempt, Instant retryAt) {
    return run(campaignId, "withdraw-lead",
        CampaignLeads.withdraw(campaignId, leadId, attempt, retryAt, clock.instant()))
        .thenApply(withdrawn -> Done.getInstance());
  }

  @Override
  public CompletionStage<List<Boolean>> settle(String workspaceId, String campaignId, List<Settlement> settlements,
      List<String> doNotCall) {
    Instant now = clock.instant();
    List<LeadOutcome> outcomes = settlements.stream()
        .map(settled -> new LeadOutcome(settled.leadId(), settled.attempt(), new OutcomeUpdate(settled.outcome(),
            settled.retryAt(), settled.score(), settled.classification(), settled.summary(), settled.hot(),
            settled.callId())))
        .toList();
    return run(campaignId, "settle-leads", CampaignLeads.settle(workspaceId, campaignId, outcomes, doNotCall, now));
  }

  @Override
  public CompletionStage<Done> saveView(CampaignView view) {
    Instant now = clock.instant();
    CampaignRow row = new CampaignRow(view.campaignId(), view.terms().workspaceId(), view.terms().name(),
        view.terms().owner().userId(), view.terms().owner().email(), view.status(),
        Math.toIntExact(view.leadCount()), Math.toIntExact(view.finalCount()), Math.toIntExact(view.hotCount()),
        view.nextWakeAt(), view.createdAt(), now);
    return run(view.campaignId(), "save-campaign", Campaigns.upsert(row)).thenApply(inserted -> Done.getInstance());
  }

  private <T> CompletionStage<T> run(String campaignId, String purpose, JdbcWork<T> work) {
    return database.withConnection(null, "campaign-" + campaignId, purpose, work);
  }

  static LeadToDial toDial(LeadRow row) {
    Set<ZoneId> zones = new LinkedHashSet<>();
    row.zones().forEach(zone -> zones.add(ZoneId.of(zone)));
    return new LeadToDial(row.leadId(), row.name(), row.phone(), Set.copyOf(zones), row.attempts(),
        row.metadataJson());
  }
}
