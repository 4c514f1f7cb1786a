package io.sluice.config;

import java.time.Duration;

/**
 * One governed pool and its supervisor.
 *
 * @param name the pool's name ({@code db}); also the key under {@code sluice.pools}
 * @param applicationName what the pool's connections report as {@code application_name}, so {@code pg_stat_activity}
 *     can count them
 * @param maxSize physical connections the pool may open
 * @param limit permits granted at once; at most {@code maxSize}
 * @param maxQueue requests that may wait for a permit; beyond it they are rejected with QUEUE_FULL
 * @param defaultMaxWait the wait allowed to requests that do not state their own
 * @param maxHold how long a SHORT lease may be held before it is revoked
 * @param maxLongLived how many LONG_LIVED leases may exist at once; below {@code limit}
 * @param idleTimeout quiet time (no lease, no waiter) after which idle connections are evicted and timers stop
 * @param ageingInterval waiting this long raises a request by one priority level, so low priorities cannot starve
 * @param connectionTimeout HikariCP's connectionTimeout: how long a granted permit may wait for its connection,
 *     including queueing behind other connects on a cold pool (they are opened one at a time)
 */
public record PoolSettings(
    String name,
    String applicationName,
    int maxSize,
    int limit,
    int maxQueue,
    Duration defaultMaxWait,
    Duration maxHold,
    int maxLongLived,
    Duration idleTimeout,
    Duration ageingInterval,
    Duration connectionTimeout) {}
