package io.sluice.orchestrator.campaign;

import akka.Done;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What settled calls mean to the workspace's webhook subscribers. Called before a batch of settlements is written to
 * the lead table: a settlement found there after a crash (and journaled from there) has had its events published, and
 * a crash before the write publishes again when the attempt settles again; the publications' idempotency keys make the
 * repeat store nothing.
 */
public interface CallEvents {

  /** Completes once every event of the batch is stored for delivery; a failure leaves the batch unjournaled. */
  CompletionStage<Done> settled(String workspaceId, String campaignId, List<Settlement> settlements);
}
