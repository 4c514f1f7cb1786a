package io.sluice.testkit;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The physical side of a pool in virtual time: idle and active connections to a {@link SimulatedDatabase}, opened at
 * most {@code maxConcurrentOpens} at a time (HikariCP opens one at a time after start-up).
 */
public final class SimulatedConnections {
  private final Simulation simulation;
  private final SimulatedDatabase database;
  private final int maxConcurrentOpens;
  private int maxSize;
  private final ArrayDeque<Consumer<Boolean>> waitingForOpen = new ArrayDeque<>();

  private int idle;
  private int active;
  private int opening;
  private int maxOpeningAtOnce;

  public SimulatedConnections(Simulation simulation, SimulatedDatabase database, int maxSize, int maxConcurrentOpens) {
    this.simulation = simulation;
    this.database = database;
    this.maxSize = maxSize;
    this.maxConcurrentOpens = maxConcurrentOpens;
  }

  public int maxSize() {
    return maxSize;
  }

  /** Whether a connection can be had without waiting for another one to be returned. */
  public boolean hasCapacity() {
    return idle > 0 || active + idle + waitingForOpen.size() + opening < maxSize;
  }

  /**
   * Takes an idle connection or opens a new one; {@code ready} gets true once it is in use, false if the database
   * refused it.
   *
   * @throws IllegalStateException without {@link #hasCapacity()}
   */
  public void borrow(Consumer<Boolean> ready) {
    if (idle > 0) {
      idle--;
      active++;
      simulation.afterNanos(0, () -> ready.accept(true));
      return;
    }
    if (!hasCapacity()) {
      throw new IllegalStateException("no idle connection and the pool is at its max size " + maxSize);
    }
    waitingForOpen.add(ready);
    openNext();
  }

  private void openNext() {
    while (opening < maxConcurrentOpens && !waitingForOpen.isEmpty()) {
      Consumer<Boolean> ready = waitingForOpen.poll();
      opening++;
      maxOpeningAtOnce = Math.max(maxOpeningAtOnce, opening);
      simulation.after(database.connectionOpenCost(), () -> {
        opening--;
        boolean opened = database.openConnection();
        if (opened) {
          active++;
        }
        ready.accept(opened);
        openNext();
      });
    }
  }

  /** An active connection goes back to idle, or is closed if the pool is above its (shrunk) size. */
  public void giveBack() {
    active--;
    if (total() >= maxSize) {
      database.closeConnection();
    } else {
      idle++;
    }
  }

  /**
   * Changes the most connections the pool may hold (a node's share of a cluster's budget). A shrink closes idle
   * connections above the new size now and busy ones as they are given back.
   */
  public void resize(int newMaxSize) {
    if (newMaxSize < 0) {
      throw new IllegalArgumentException("a pool cannot shrink below 0 connections, asked " + newMaxSize);
    }
    maxSize = newMaxSize;
    for (; idle > 0 && total() > maxSize; idle--) {
      database.closeConnection();
    }
  }

  /** An active connection is closed for good (aborted): it is never reused. */
  public void abort() {
    active--;
    database.closeConnection();
  }

  /** Closes every idle connection. */
  public void evictIdle() {
    for (; idle > 0; idle--) {
      database.closeConnection();
    }
  }

  public int idle() {
    return idle;
  }

  public int active() {
    return active;
  }

  public int total() {
    return idle + active;
  }

  /** The most connections that were being opened at the same moment. */
  public int maxOpeningAtOnce() {
    return maxOpeningAtOnce;
  }
}
