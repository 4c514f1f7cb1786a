package io.sluice.orchestrator.webhook;

import io.sluice.protocols.webhook.AttemptOutcome;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST FIXTURE: an {@link EndpointClient} that answers each message's attempts from a script (then 2xx), or holds
 * the answers until the test releases them (a slow receiver). Remembers every send with its (virtual) time.
 */
final class ScriptedEndpointClient implements EndpointClient {

  record Sent(String messageId, Instant at) {}

  private final Clock clock;
  private final Map<String, Deque<AttemptOutcome>> scripts = new ConcurrentHashMap<>();
  private final List<Sent> sent = new ArrayList<>();
  private final Deque<CompletableFuture<AttemptOutcome>> held = new ArrayDeque<>();
  private boolean holding;
  private int mostHeld;

  ScriptedEndpointClient(Clock clock) {
    this.clock = clock;
  }

  static AttemptOutcome delivered() {
    return new AttemptOutcome(AttemptOutcome.Kind.DELIVERED, 200, 3, "ok", null, null);
  }

  static AttemptOutcome failed(int status) {
    return new AttemptOutcome(AttemptOutcome.Kind.FAILED, status, 3, "no", "HTTP " + status, null);
  }

  /** The next attempts of this message end so, in order; later ones are delivered. */
  void script(String messageId, AttemptOutcome... outcomes) {
    scripts.computeIfAbsent(messageId, id -> new ArrayDeque<>()).addAll(List.of(outcomes));
  }

  /** From now on, answers wait for {@link #release}. */
  synchronized void hold() {
    holding = true;
  }

  /** Answers every held attempt with a 2xx, all at once; later attempts are still held. */
  void release() {
    List<CompletableFuture<AttemptOutcome>> answers;
    synchronized (this) {
      answers = List.copyOf(held);
      held.clear();
    }
    answers.forEach(answer -> answer.complete(delivered()));
  }

  synchronized int heldCount() {
    return held.size();
  }

  /** The most attempts ever held unanswered at once: the receiver's view of the endpoint's concurrency. */
  synchronized int mostHeld() {
    return mostHeld;
  }

  synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  synchronized List<Instant> sendTimes(String messageId) {
    return sent.stream().filter(send -> send.messageId().equals(messageId)).map(Sent::at).toList();
  }

  @Override
  public synchronized CompletionStage<AttemptOutcome> send(EndpointConfig endpoint, OutboundMessage message,
      Instant timestamp) {
    sent.add(new Sent(message.messageId(), clock.instant()));
    if (holding) {
      CompletableFuture<AttemptOutcome> answer = new CompletableFuture<>();
      held.add(answer);
      mostHeld = Math.max(mostHeld, held.size());
      return answer;
    }
    Deque<AttemptOutcome> script = scripts.get(message.messageId());
    AttemptOutcome outcome = script == null || script.isEmpty() ? delivered() : script.poll();
    return CompletableFuture.completedFuture(outcome);
  }
}
