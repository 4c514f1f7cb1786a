package io.sluice.orchestrator.campaign;

import akka.actor.typed.ActorSystem;
import io.sluice.config.ProviderSettings;
import io.sluice.orchestrator.provider.SimulatedProvider;
import io.sluice.protocols.campaign.CallOutcome;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The call provider the crash tests' services call, in the test JVM so that it outlives them: calls of 1.5 s, mostly
 * answered, no failures of its own, so that what the tests see is what the crash did.
 */
final class CrashTestProvider {
  private CrashTestProvider() {}

  static SimulatedProvider start(ActorSystem<?> system, String secret) throws Exception {
    return SimulatedProvider.start(system, new ProviderSettings.Simulated(true, 0, Duration.ofMillis(1500),
            Map.of(CallOutcome.ANSWERED, 0.6, CallOutcome.NO_ANSWER, 0.25, CallOutcome.VOICEMAIL, 0.15), 60, 25, 0.0,
            0.0, 0.0, 100, Duration.ofSeconds(1), 7), secret)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
