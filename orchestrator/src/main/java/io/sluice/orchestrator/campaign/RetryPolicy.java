package io.sluice.orchestrator.campaign;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.RetryRule;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Whether a lead is called again after an attempt, and when. Only the retryable outcomes ({@link
 * CallOutcome#retryable()}) have a rule; ANSWERED, DO_NOT_CALL and INVALID_NUMBER always end the lead.
 *
 * <p>{@code maxAttempts} counts every call made to the lead, the first included, and is judged by the outcome of the
 * latest one: with NO_ANSWER at 3, a lead is called at most three times as long as it keeps not answering. The time
 * returned is the earliest retry; the caller moves it to the next opening of the calling windows.
 *
 * <p>Defaults ({@link #defaults()}): NO_ANSWER 3 attempts, 2 hours apart; BUSY 3 attempts, 15 minutes apart;
 * VOICEMAIL 2 attempts, 4 hours apart; FAILED 3 attempts, 10 minutes apart (a provider or network fault).
 */
public record RetryPolicy(Map<CallOutcome, Retry> retries) {

  /** The rule for one retryable outcome: at most {@code maxAttempts} calls in all, {@code delay} apart. */
  public record Retry(int maxAttempts, Duration delay) {
    public Retry {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
      }
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, was " + delay);
      }
    }
  }

  /** What happens to the lead after an attempt. */
  public sealed interface Decision {}

  /** The lead is done; {@code outcome} is its final outcome. */
  public record Final(CallOutcome outcome) implements Decision {
    @JsonCreator
    public Final {}
  }

  /** Call the lead again, not before {@code at}. */
  public record RetryAt(Instant at) implements Decision {
    @JsonCreator
    public RetryAt {}
  }

  /**
   * @throws IllegalArgumentException when a rule is given for an outcome that is never retried, or a retryable
   *     outcome has none
   */
  @JsonCreator
  public RetryPolicy {
    for (CallOutcome outcome : CallOutcome.values()) {
      if (outcome.retryable() != retries.containsKey(outcome)) {
        throw new IllegalArgumentException(outcome.retryable()
            ? "no retry rule for " + outcome : outcome + " is final and cannot have a retry rule");
      }
    }
    retries = Map.copyOf(retries);
  }

  public static RetryPolicy defaults() {
    Map<CallOutcome, Retry> retries = new EnumMap<>(CallOutcome.class);
    retries.put(CallOutcome.NO_ANSWER, new Retry(3, Duration.ofHours(2)));
    retries.put(CallOutcome.BUSY, new Retry(3, Duration.ofMinutes(15)));
    retries.put(CallOutcome.VOICEMAIL, new Retry(2, Duration.ofHours(4)));
    retries.put(CallOutcome.FAILED, new Retry(3, Duration.ofMinutes(10)));
    return new RetryPolicy(retries);
  }

  /** The policy a campaign's journaled terms hold (complete: validation applied the defaults). */
  public static RetryPolicy of(Map<CallOutcome, RetryRule> rules) {
    Map<CallOutcome, Retry> retries = new EnumMap<>(CallOutcome.class);
    rules.forEach((outcome, rule) -> retries.put(outcome, new Retry(rule.maxAttempts(), rule.delay())));
    return new RetryPolicy(retries);
  }

  /** The rules as the campaign's journaled terms hold them. */
  public Map<CallOutcome, RetryRule> rules() {
    Map<CallOutcome, RetryRule> rules = new EnumMap<>(CallOutcome.class);
    retries.forEach((outcome, retry) -> rules.put(outcome, new RetryRule(retry.maxAttempts(), retry.delay())));
    return Map.copyOf(rules);
  }

  /** The defaults with some rules replaced. */
  public RetryPolicy with(Map<CallOutcome, Retry> overrides) {
    Map<CallOutcome, Retry> merged = new EnumMap<>(retries);
    merged.putAll(overrides);
    return new RetryPolicy(merged);
  }

  /**
   * @param attemptsSoFar calls made to the lead, the one that just ended included (at least 1)
   * @param now when the attempt ended
   */
  public Decision decide(CallOutcome outcome, int attemptsSoFar, Instant now) {
    if (attemptsSoFar < 1) {
      throw new IllegalArgumentException("decide after an attempt: attemptsSoFar must be at least 1");
    }
    Retry retry = retries.get(outcome);
    if (retry == null || attemptsSoFar >= retry.maxAttempts()) {
      return new Final(outcome);
    }
    return new RetryAt(now.plus(retry.delay()));
  }
}
