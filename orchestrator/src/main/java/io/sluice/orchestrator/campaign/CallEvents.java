package io.sluice.orchestrator.campaign;

import akka.Done;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What settled calls mean to the workspace's webhook subscribers. Called after a batch of settlements is in the lead
 * table and before it is journaled, so a crash in between publishes again when the reports are redelivered; the
 * publications' idempotency keys make the repeat store nothing.
 */
public interface CallEvents {

  /** Completes once every event of the batch is stored for delivery; a failure leaves the batch unjournaled. */
  CompletionStage<Done> settled(String workspaceId, String campaignId, List<Settlement> settlements);
}
