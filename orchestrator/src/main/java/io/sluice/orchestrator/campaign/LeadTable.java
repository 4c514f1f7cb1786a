package io.sluice.orchestrator.campaign;

import akka.Done;
import io.sluice.orchestrator.database.Database;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.campaign.CampaignLeads;
import io.sluice.persistence.campaign.CampaignRow;
import io.sluice.persistence.campaign.Campaigns;
import io.sluice.persistence.campaign.ClaimResult;
import io.sluice.persistence.campaign.DoNotCallList;
import io.sluice.persistence.campaign.LeadRow;
import io.sluice.persistence.campaign.OutcomeUpdate;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
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
  public CompletionStage<Done> defer(String campaignId, long leadId, Instant until) {
    return run(campaignId, "defer-lead", CampaignLeads.reschedule(campaignId, leadId, until, clock.instant()))
        .thenApply(moved -> Done.getInstance());
  }

  @Override
  public CompletionStage<ClaimResult> claim(String workspaceId, String campaignId, long leadId, int attempt,
      String idempotencyKey) {
    return run(campaignId, "claim-lead", CampaignLeads.claim(campaignId, leadId, workspaceId, attempt - 1,
        idempotencyKey, clock.instant()));
  }

  @Override
  public CompletionStage<Done> withdraw(String campaignId, long leadId, int attempt, Instant retryAt) {
    return run(campaignId, "withdraw-lead",
        CampaignLeads.withdraw(campaignId, leadId, attempt, retryAt, clock.instant()))
        .thenApply(withdrawn -> Done.getInstance());
  }

  @Override
  public CompletionStage<Boolean> settle(String campaignId, Settlement settlement) {
    OutcomeUpdate update = new OutcomeUpdate(settlement.outcome(), settlement.retryAt(), settlement.score(),
        settlement.classification(), settlement.summary(), settlement.hot(), settlement.callId());
    return run(campaignId, "settle-lead", CampaignLeads.recordOutcome(campaignId, settlement.leadId(),
        settlement.attempt(), update, clock.instant()));
  }

  @Override
  public CompletionStage<Done> addToDoNotCall(String workspaceId, String phone, String reason) {
    return database.withConnection(null, "workspace-" + workspaceId, "do-not-call-add",
        DoNotCallList.add(workspaceId, phone, reason, clock.instant())).thenApply(added -> Done.getInstance());
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
