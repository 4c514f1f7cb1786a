package io.sluice.persistence.webhook;

import java.util.List;

/**
 * What one publication stored, or found stored.
 *
 * @param message the new message, or for a repeated idempotency key within the window the first one
 * @param toEnqueue the endpoints whose entities must be told of the message: every endpoint of a new message; for a
 *     repeated key those whose delivery is still PENDING, so that a client retrying after a failed answer also
 *     repairs an enqueue that was lost (an entity ignores a message it already holds)
 * @param deliveries how many deliveries the message has (one per endpoint it was fanned out to)
 * @param duplicate true when the key was repeated within the window and nothing was stored
 */
public record Publication(MessageRow message, List<String> toEnqueue, int deliveries, boolean duplicate) {

  public Publication {
    toEnqueue = List.copyOf(toEnqueue);
  }
}
