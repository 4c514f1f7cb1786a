package io.sluice.orchestrator.webhook;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.WebhookSettings;
import io.sluice.protocols.webhook.DeliveryOrdering;
import io.sluice.protocols.webhook.EndpointConfig;
import io.sluice.protocols.webhook.OutboundMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Settings, endpoints, messages and virtual time for the delivery entity's tests. */
final class WebhookFixtures {
  private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

  private WebhookFixtures() {}

  /**
   * ManualTime drives the entities' timers. The journal's circuit breakers and recovery timeout run on the same
   * scheduler: their timeouts are lifted so that moving virtual time ahead never fails a real write in progress.
   */
  static Config manualTime() {
    return ConfigFactory.parseString("""
        jdbc-journal.circuit-breaker.call-timeout = 1000d
        jdbc-snapshot-store.circuit-breaker.call-timeout = 1000d
        jdbc-journal.recovery-event-timeout = 1000d
        akka.persistence.journal-plugin-fallback.recovery-event-timeout = 1000d
        """).withFallback(ManualTime.config());
  }

  /**
   * {@code sluice.webhooks} with these keys over the reference defaults; jitter 0 and passivation as soon as the
   * entity is idle unless given (the rules these tests pin, not the idle grace, which has a test of its own).
   */
  static WebhookSettings settings(String overrides) {
    return WebhookSettings.from(ConfigFactory.parseString("sluice.webhooks { jitter = 0\npassivate-after-idle = 0s\n"
        + overrides + "\n}")
        .withFallback(ConfigFactory.load()));
  }

  static EndpointConfig endpoint(String endpointId, int maxConcurrency, int rateLimit, DeliveryOrdering ordering) {
    return new EndpointConfig(endpointId, "ws-test", "https://receiver.example/hook", List.of("whsec_test"), true,
        false, maxConcurrency, rateLimit, ordering);
  }

  static EndpointConfig config(EndpointConfig endpoint, boolean enabled, boolean paused) {
    return new EndpointConfig(endpoint.endpointId(), endpoint.workspaceId(), endpoint.url(), endpoint.secrets(),
        enabled, paused, endpoint.maxConcurrency(), endpoint.rateLimit(), endpoint.ordering());
  }

  static OutboundMessage message(String messageId, String eventType) {
    return new OutboundMessage(messageId, eventType, ORIGIN, "{\"id\":\"" + messageId + "\"}");
  }

  /** A clock on the test kit's ManualTime: it moves only when the test moves time. */
  static Clock virtualClock(ActorTestKit testKit) {
    return io.sluice.orchestrator.VirtualClock.of(testKit, ORIGIN);
  }
}
