package io.sluice.protocols.campaign;

import java.time.Duration;

/**
 * How a retryable outcome is retried: a lead is called at most {@code maxAttempts} times in all while its calls end
 * this way, each retry {@code delay} after the previous call ended.
 */
public record RetryRule(int maxAttempts, Duration delay) {}
