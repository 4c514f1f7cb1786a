package io.sluice.orchestrator;

import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sluice.config.ApiKeySettings;
import io.sluice.config.EmailSettings;
import io.sluice.config.SettingsException;
import io.sluice.orchestrator.demo.DemoCampaign;
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
 *
 * <p>The process lives as long as its actor system: whatever ends the system (SIGTERM, exit-on-idle, this node downed
 * by the cluster's Split Brain Resolver or removed from its cluster) runs coordinated shutdown, after which Akka exits
 * the JVM ({@link #EXIT_JVM}, set here only, so that an application embedding Sluice keeps its JVM). The exit code is
 * Akka's for the shutdown's reason: -1 (255) when the node was downed, 0 otherwise (exit-on-idle, a node removed by a
 * leave); SIGTERM ends with the JVM's 143. A failed start, a node not Up within {@code sluice.cluster.join-timeout}
 * among them, exits 1 from here (2 for invalid settings).
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  /** Akka exits the JVM once coordinated shutdown has terminated the actor system, whatever ran it. */
  static final String EXIT_JVM = "akka.coordinated-shutdown.exit-jvm = on";

  private Main() {}

  public static void main(String[] args) {
    // Before anything touches the common pool: see Sluice.COMMON_POOL_PARALLELISM.
    if (System.getProperty(Sluice.COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(Sluice.COMMON_POOL_PARALLELISM,
          Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    try {
      Config config = ConfigFactory.parseString(EXIT_JVM).withFallback(ConfigFactory.load());
      Sluice sluice = Sluice.start(config);
      if (List.of(args).contains("--demo")) {
        runDemo(sluice, config);
      }
      // Akka exits the JVM as the system terminates, with the code of the shutdown's reason (see the class comment);
      // coordinated shutdown logs that reason as it starts.
      sluice.system().getWhenTerminated().toCompletableFuture().join();
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
