package io.sluice.protocols.permit;

/** Everything a pool supervisor accepts. */
public sealed interface PermitCommand permits Acquire, Release, GiveUp, Throttle, GetPoolStats, Resized,
    PermitCommand.Internal {

  /** Messages a supervisor sends to itself (timers, death watch); never sent by clients. */
  non-sealed interface Internal extends PermitCommand {}
}
