package io.sluice.orchestrator.campaign;

import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import java.util.concurrent.CompletionStage;

/**
 * Takes a completed campaign's summary email. Handing over twice (a completion replayed after a crash) sends once:
 * the outbox's unique key per campaign decides, not the caller.
 */
public interface SummaryOutbox {

  /** Completes once the email is durably queued, skipped by the owner's preference, or switched off (and said so). */
  CompletionStage<akka.Done> handOver(CampaignView completed);
}
