package io.sluice.config;

/** How the service runs its due work. */
public enum Mode {
  /** A long-running process: actors keep timers only while they have due work. */
  STANDALONE,
  /** No in-process periodic work: due work runs when an external trigger calls the tick endpoint. */
  SERVERLESS
}
