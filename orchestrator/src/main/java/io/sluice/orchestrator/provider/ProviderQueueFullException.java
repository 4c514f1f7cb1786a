package io.sluice.orchestrator.provider;

/**
 * The client's rate-limit queue ({@code sluice.provider.queue-size}) is full: the caller is offering calls faster
 * than {@code sluice.provider.calls-per-second} lets them out. Nothing was sent; the caller should hold back.
 */
public final class ProviderQueueFullException extends CallProviderException {
  public ProviderQueueFullException(int queueSize) {
    super("the call provider's request queue is full (" + queueSize + " waiting for the rate limit)", true);
  }
}
