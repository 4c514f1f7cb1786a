package io.sluice.orchestrator.campaign;

import akka.Done;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.database.PermitRequest;
import io.sluice.orchestrator.email.CampaignSummary;
import io.sluice.orchestrator.email.SummaryEmailer;
import io.sluice.persistence.campaign.CampaignLeads;
import io.sluice.persistence.campaign.NotificationPreferences;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SummaryOutbox} by email: reads the owner's preference (a user without one gets the email), then hands the
 * summary to the {@link SummaryEmailer}, whose outbox row per campaign makes a second hand-over a no-op. The hot leads
 * stream from the database under one long-lived permit, taken only if the email is composed at all.
 */
public final class EmailedSummaries implements SummaryOutbox {
  private static final Logger log = LoggerFactory.getLogger(EmailedSummaries.class);

  private final SummaryEmailer emailer;
  private final Database database;

  public EmailedSummaries(SummaryEmailer emailer, Database database) {
    this.emailer = emailer;
    this.database = database;
  }

  @Override
  public CompletionStage<Done> handOver(CampaignView completed) {
    String campaignId = completed.campaignId();
    String workspaceId = completed.terms().workspaceId();
    CampaignSummary summary = new CampaignSummary(campaignId, completed.terms().name(),
        completed.terms().owner().email(), completed.leadCount(),
        completed.outcomes().getOrDefault(CallOutcome.ANSWERED, 0L), completed.hotCount(), completed.outcomes());
    return database.withConnection(null, "campaign-" + campaignId, "read-preferences",
            NotificationPreferences.campaignSummaryEmail(workspaceId, completed.terms().owner().userId()))
        .thenCompose(preference -> emailer.send(summary,
            database.stream(PermitRequest.forStream(null, "campaign-" + campaignId, "hot-leads-attachment"),
                CampaignLeads.hotLeads(campaignId)),
            preference.orElse(true)))
        .thenApply(result -> {
          log.info("campaign {}: summary email {} ({})", campaignId, result.outcome(), result.detail());
          return Done.getInstance();
        });
  }
}
