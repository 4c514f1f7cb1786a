package io.sluice.orchestrator.campaign;

import akka.Done;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import io.sluice.persistence.campaign.ClaimResult;
import io.sluice.persistence.campaign.LeadClaim;
import io.sluice.protocols.campaign.CampaignEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The lead and campaign tables as a campaign entity uses them. Each call runs under one database permit taken and
 * returned inside it, so an entity never holds a permit while it waits for anything else (a call slot, the
 * provider, the classifier); none blocks the caller.
 */
public interface LeadBook {

  /** Up to {@code limit} waiting leads due at {@code now}, earliest first. */
  CompletionStage<List<LeadToDial>> due(String campaignId, Instant now, int limit);

  /** When the earliest waiting lead falls due; empty when no lead waits. */
  CompletionStage<Optional<Instant>> earliestDue(String campaignId);

  /** One lead, to resume an attempt that was in flight when the campaign last stopped. */
  CompletionStage<LeadToDial> lead(String campaignId, long leadId);

  /**
   * The outcome the table holds for the lead's attempt {@code attempt}, already settled there (a claim answered
   * {@code ALREADY_SETTLED}), as the event that journals it.
   */
  CompletionStage<CampaignEvent.OutcomeRecorded> settledOutcome(String campaignId, long leadId, int attempt);

  /** Moves a waiting lead's due time to {@code until} (its window is closed until then). */
  CompletionStage<Done> defer(String campaignId, long leadId, Instant until);

  /**
   * Claims lead attempts for dialling, all in one unit of work, checking the do-not-call list in the same
   * transaction; answers each lead's result by lead id.
   */
  CompletionStage<Map<Long, ClaimResult>> claim(String workspaceId, String campaignId, List<LeadClaim> claims);

  /** Puts back an attempt that placed no call: the lead waits again until {@code retryAt}, under the same attempt. */
  CompletionStage<Done> withdraw(String campaignId, long leadId, int attempt, Instant retryAt);

  /**
   * Writes how the attempts settled and adds {@code doNotCall}'s numbers to the workspace's do-not-call list, all in
   * one unit of work; answers, in order, whether each settlement took effect (false: it had already been written, a
   * replayed outcome).
   */
  CompletionStage<List<Boolean>> settle(String workspaceId, String campaignId, List<Settlement> settlements,
      List<String> doNotCall);

  /** Writes the campaign's read-side row (status, counters, next wake-up). */
  CompletionStage<Done> saveView(CampaignView view);
}
