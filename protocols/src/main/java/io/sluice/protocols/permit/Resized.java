package io.sluice.protocols.permit;

/**
 * The resource behind the supervisor changed size (a node's share of the cluster's connection budget): the supervisor
 * reads the size again, caps its limit at it, and grants to waiters if it grew. A shrink revokes nothing: permits
 * granted above the new size are returned as their work ends.
 */
public enum Resized implements PermitCommand {
  INSTANCE
}
