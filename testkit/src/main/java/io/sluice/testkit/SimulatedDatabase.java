package io.sluice.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A database server in virtual time: a connection cap, a per-query latency drawn from a seeded distribution, latency
 * steps (a slow period), contention (queries beyond the parallel capacity slow everyone down), failure injection and
 * a cost to open a connection.
 */
public final class SimulatedDatabase {
  private final int maxConnections;
  private final int parallelCapacity;
  private final Duration baseLatency;
  private final double latencyJitter;
  private final Duration connectionOpenCost;
  private final double failureRate;
  private final List<LatencyStep> steps;
  private final Random random;

  private int openConnections;
  private int maxOpenConnections;
  private int activeQueries;

  private SimulatedDatabase(Builder builder) {
    this.maxConnections = builder.maxConnections;
    this.parallelCapacity = builder.parallelCapacity;
    this.baseLatency = builder.baseLatency;
    this.latencyJitter = builder.latencyJitter;
    this.connectionOpenCost = builder.connectionOpenCost;
    this.failureRate = builder.failureRate;
    this.steps = List.copyOf(builder.steps);
    this.random = new Random(builder.seed);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Time to open one connection. */
  public Duration connectionOpenCost() {
    return connectionOpenCost;
  }

  /** A backend accepts a new connection, or refuses it past {@code max-connections}. */
  boolean openConnection() {
    if (openConnections >= maxConnections) {
      return false;
    }
    openConnections++;
    maxOpenConnections = Math.max(maxOpenConnections, openConnections);
    return true;
  }

  void closeConnection() {
    openConnections--;
  }

  /** Starts a query at {@code nowNanos}; answers its duration in nanoseconds. Pair with {@link #queryEnded()}. */
  long startQuery(long nowNanos) {
    activeQueries++;
    double factor = 1.0;
    for (LatencyStep step : steps) {
      if (nowNanos >= step.from.toNanos() && nowNanos < step.from.plus(step.duration).toNanos()) {
        factor *= step.factor;
      }
    }
    double contention = Math.max(1.0, (double) activeQueries / parallelCapacity);
    double jitter = 1.0 + latencyJitter * (random.nextDouble() * 2 - 1);
    return (long) (baseLatency.toNanos() * factor * contention * jitter);
  }

  void queryEnded() {
    activeQueries--;
  }

  /** Whether the query that just ran fails (failure injection). */
  boolean queryFails() {
    return failureRate > 0 && random.nextDouble() < failureRate;
  }

  public int maxOpenConnections() {
    return maxOpenConnections;
  }

  /** Query time multiplied by {@code factor} from {@code from} for {@code duration}. */
  public record LatencyStep(Duration from, Duration duration, double factor) {}

  /** Settings of a simulated database; every one has a default. */
  public static final class Builder {
    private int maxConnections = 100;
    private int parallelCapacity = 1_000;
    private Duration baseLatency = Duration.ofMillis(20);
    private double latencyJitter;
    private Duration connectionOpenCost = Duration.ofMillis(5);
    private double failureRate;
    private final List<LatencyStep> steps = new ArrayList<>();
    private long seed = 42;

    /** The server's connection cap (PostgreSQL {@code max_connections}); default 100. */
    public Builder maxConnections(int value) {
      this.maxConnections = value;
      return this;
    }

    /** Queries served at full speed at once; beyond it latency grows in proportion. Default 1,000 (no contention). */
    public Builder parallelCapacity(int value) {
      this.parallelCapacity = value;
      return this;
    }

    /** The mean query time; default 20 ms. */
    public Builder latency(Duration value) {
      this.baseLatency = value;
      return this;
    }

    /** Each query's time varies uniformly by ± this share of the mean (0..1); default 0. */
    public Builder latencyJitter(double share) {
      this.latencyJitter = share;
      return this;
    }

    /** A slow period: queries started within it take {@code factor} times longer. */
    public Builder latencyStep(Duration from, Duration duration, double factor) {
      steps.add(new LatencyStep(from, duration, factor));
      return this;
    }

    /** Share of queries that fail (0..1); default 0. */
    public Builder failureRate(double share) {
      this.failureRate = share;
      return this;
    }

    /** Time to open one connection; default 5 ms. */
    public Builder connectionOpenCost(Duration value) {
      this.connectionOpenCost = value;
      return this;
    }

    /** Seed of the latency and failure draws; default 42. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public SimulatedDatabase build() {
      return new SimulatedDatabase(this);
    }
  }
}
