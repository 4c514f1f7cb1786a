package io.sluice.orchestrator.provider;

import java.time.Duration;

/**
 * How the provider answered a {@link PlaceCall}. Transient failures are not a result: the client retries them and,
 * once its retries are spent, fails the stage with a {@link CallProviderException}.
 */
public sealed interface PlaceCallResult {
  /** The call is placed (or was already, under the same idempotency key); its outcome comes as a webhook event. */
  record Placed(String callId) implements PlaceCallResult {}

  /**
   * The provider is at its limit (429 or 503): nothing was placed. The caller should lower its call-slot limit and
   * try this lead attempt again, with the same idempotency key, no sooner than {@code retryAfter}.
   */
  record RateLimited(Duration retryAfter) implements PlaceCallResult {}

  /** The provider will never place this call (400/422, e.g. an invalid number); {@code reason} is its explanation. */
  record Permanent(String reason) implements PlaceCallResult {}
}
