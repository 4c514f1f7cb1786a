package io.sluice.protocols.webhook;

import io.sluice.protocols.CborSerializable;
import java.time.Duration;

/**
 * How one delivery attempt ended.
 *
 * @param status the HTTP status received, 0 when none was (timeout, refused address, connection failure)
 * @param latencyMillis from the start of the request to the end of the response (or to the failure)
 * @param responsePrefix the first bytes of the response body (at most {@code sluice.webhooks.response-body-limit}),
 *     decoded as UTF-8; empty when there was none
 * @param error why it failed, for the operator; null on success. Never contains a secret.
 * @param retryAfter the receiver's {@code Retry-After} on 429 or 503; null otherwise
 */
public record AttemptOutcome(Kind kind, int status, long latencyMillis, String responsePrefix, String error,
    Duration retryAfter) implements CborSerializable {

  /** The classes of results the delivery entity treats differently. */
  public enum Kind {
    /** 2xx within the timeout. */
    DELIVERED,
    /** Any other status (3xx included: redirects are never followed), a reset, or an unreadable response. */
    FAILED,
    /** 410 Gone: the endpoint is disabled. */
    GONE,
    /** 429 or 503: retried no earlier than {@link #retryAfter()} when present. */
    THROTTLED,
    /** No response within the attempt timeout (a receiver that hangs). */
    TIMED_OUT,
    /** The URL resolved to an address the SSRF guard refuses; nothing was sent. */
    REFUSED
  }

  public boolean delivered() {
    return kind == Kind.DELIVERED;
  }
}
