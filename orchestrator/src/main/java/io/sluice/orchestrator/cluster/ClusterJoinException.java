package io.sluice.orchestrator.cluster;

/** The node did not become an Up member within {@code sluice.cluster.join-timeout}; the message says how it tried. */
public final class ClusterJoinException extends Exception {
  private static final long serialVersionUID = 1L;

  ClusterJoinException(String message, Throwable cause) {
    super(message, cause);
  }
}
