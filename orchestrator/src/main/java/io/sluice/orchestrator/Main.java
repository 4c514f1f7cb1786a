package io.sluice.orchestrator;

import akka.actor.CoordinatedShutdown;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ApiKeySettings;
import io.sluice.config.EmailSettings;
import io.sluice.config.SettingsException;
import io.sluice.orchestrator.demo.DemoCampaign;
import io.sluice.orchestrator.idle.IdleExit;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Sluice with {@code application.conf}/{@code reference.conf} plus environment overrides. With {@code --demo}
 * it also runs the demo campaign through the service's own API once it is up, then keeps serving.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    // Before anything touches the common pool: see Sluice.COMMON_POOL_PARALLELISM.
    if (System.getProperty(Sluice.COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(Sluice.COMMON_POOL_PARALLELISM,
          Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    try {
      Config config = ConfigFactory.load();
      Sluice sluice = Sluice.start(config);
      if (List.of(args).contains("--demo")) {
        runDemo(sluice, config);
      }
      sluice.system().getWhenTerminated().toCompletableFuture().join();
      if (CoordinatedShutdown.get(sluice.system()).getShutdownReason().filter(IdleExit.REASON::equals).isPresent()) {
        // Exit-on-idle is a clean stop: the next start resumes from the database.
        System.exit(0);
      }
    } catch (SettingsException e) {
      log.error(e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      log.error("Sluice could not start: {}", e.toString(), e);
      System.exit(1);
    }
  }

  private static void runDemo(Sluice sluice, Config config) throws Exception {
    Path keyFile = ApiKeySettings.from(config).firstKeyFile();
    if (!Files.isReadable(keyFile)) {
      System.out.println("demo: no API key in " + keyFile + "; create a workspace key with the admin API"
          + " (README, section API keys) and write it there, or start on a fresh data folder");
      return;
    }
    var address = sluice.httpAddress();
    new DemoCampaign(JacksonObjectMapperProvider.get(sluice.system()).getOrCreate("jackson-json", Optional.empty()),
        URI.create("http://" + address.getHostString() + ":" + address.getPort()),
        Files.readString(keyFile).strip(), Path.of(EmailSettings.from(config).outboxDir()), System.out).run();
    System.out.println("demo: Sluice keeps running at http://" + address.getHostString() + ":" + address.getPort()
        + " (Ctrl-C stops it)");
  }
}
