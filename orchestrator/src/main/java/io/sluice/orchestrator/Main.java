package io.sluice.orchestrator;

import com.typesafe.config.ConfigFactory;
import io.sluice.config.SettingsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Sluice with {@code application.conf}/{@code reference.conf} plus environment overrides. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    try {
      Sluice sluice = Sluice.start(ConfigFactory.load());
      sluice.system().getWhenTerminated().toCompletableFuture().join();
    } catch (SettingsException e) {
      log.error(e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      log.error("Sluice could not start: {}", e.toString(), e);
      System.exit(1);
    }
  }
}
