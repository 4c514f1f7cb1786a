package io.sluice.orchestrator.campaign;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Asks the call provider for one call; the same idempotency key never places a second call. */
public interface CallPlacer {

  CompletionStage<Placement> place(String idempotencyKey, String campaignId, LeadToDial lead, int attempt);

  /** What the provider answered. */
  sealed interface Placement {}

  /** The call is placed (or was, under this key): its outcome will be reported to the webhook. */
  record Placed(String callId) implements Placement {}

  /** The provider is at its limit: place nothing before {@code retryAfter} and lower the call-slot limit. */
  record RateLimited(Duration retryAfter) implements Placement {}

  /** The provider will never place this call (an invalid number): the lead is settled final. */
  record Refused(String reason) implements Placement {}
}
