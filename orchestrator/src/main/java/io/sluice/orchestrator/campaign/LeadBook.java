package io.sluice.orchestrator.campaign;

import akka.Done;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import io.sluice.persistence.campaign.ClaimResult;
import java.time.Instant;
import java.util.List;
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

  /** Moves a waiting lead's due time to {@code until} (its window is closed until then). */
  CompletionStage<Done> defer(String campaignId, long leadId, Instant until);

  /** Claims a lead attempt for dialling, checking the do-not-call list in the same transaction. */
  CompletionStage<ClaimResult> claim(String workspaceId, String campaignId, long leadId, int attempt,
      String idempotencyKey);

  /** Puts back an attempt that placed no call: the lead waits again until {@code retryAt}, under the same attempt. */
  CompletionStage<Done> withdraw(String campaignId, long leadId, int attempt, Instant retryAt);

  /** Writes how an attempt settled; false when it had already been written (a replayed outcome). */
  CompletionStage<Boolean> settle(String campaignId, Settlement settlement);

  CompletionStage<Done> addToDoNotCall(String workspaceId, String phone, String reason);

  /** Writes the campaign's read-side row (status, counters, next wake-up). */
  CompletionStage<Done> saveView(CampaignView view);
}
