package io.sluice.orchestrator.webhook;

/** A delivery entity refused a command: the endpoint was deleted, or a replay would pass the backlog limit. */
public final class EndpointRefusedException extends RuntimeException {
  private final String endpointId;

  public EndpointRefusedException(String endpointId, String reason) {
    super("endpoint " + endpointId + ": " + reason);
    this.endpointId = endpointId;
  }

  public String endpointId() {
    return endpointId;
  }
}
