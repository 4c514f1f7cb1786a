package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The values a node joining a cluster is compared by: written in one canonical form whatever their source, the budget's
 * {@code auto} resolved, the resolver's quorum and lone-oldest rule only under the strategies that use them, and the
 * database without anything that could be a credential.
 */
class ClusterWideSettingsTest {
  private static final String SEEDS = "sluice.cluster.seed-nodes = [\"127.0.0.1:25520\"]";

  private static Config with(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  /** reference.conf with {@code environment} as root keys: exercises the {@code ${?SLUICE_...}} lines themselves. */
  private static Config withEnvironment(Map<String, String> environment) {
    return ConfigFactory.parseMap(environment).withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
  }

  private static Config written(Config config) {
    SluiceSettings settings = SluiceSettings.from(config);
    return ClusterWideSettings.of(settings, ClusterBudgetSettings.from(config, settings.dbPool(), settings.cluster()))
        .akkaConfig();
  }

  @Test
  void theSameSettingsFromAFileAndFromTheEnvironmentAreWrittenAlike() {
    Config fromFile = written(with(SEEDS + ", sluice.database { url = \"jdbc:postgresql://db:5432/sluice\","
        + " max-connections = 30 }, sluice.cluster.budget { enabled = on, headroom = 3, join-reserve = off,"
        + " removal-margin = 4s }, sluice.cluster.split-brain-resolver.stable-after = 7s"));
    Config fromEnvironment = written(withEnvironment(Map.of(
        "SLUICE_CLUSTER_SEED_NODES", "127.0.0.1:25520",
        "SLUICE_DB_URL", "jdbc:postgresql://db:5432/sluice?user=sluice&password=secret",
        "SLUICE_DB_MAX_CONNECTIONS", "30",
        "SLUICE_CLUSTER_BUDGET_ENABLED", "auto",
        "SLUICE_CLUSTER_BUDGET_HEADROOM", "3",
        "SLUICE_CLUSTER_BUDGET_JOIN_RESERVE", "false",
        "SLUICE_CLUSTER_BUDGET_REMOVAL_MARGIN", "4000ms",
        "SLUICE_CLUSTER_SBR_STABLE_AFTER", "7000 ms")));

    assertEquals(fromFile.root(), fromEnvironment.root());
    String path = ClusterWideSettings.PATH;
    assertEquals("jdbc:postgresql://db:5432/sluice", fromFile.getString(path + ".database"));
    assertEquals(30, fromFile.getValue(path + ".max-connections").unwrapped());
    assertEquals(true, fromFile.getValue(path + ".budget.enabled").unwrapped());
    assertEquals(3, fromFile.getValue(path + ".budget.headroom").unwrapped());
    assertEquals(false, fromFile.getValue(path + ".budget.join-reserve").unwrapped());
    assertEquals("4000ms", fromFile.getValue(path + ".budget.removal-margin").unwrapped());
    assertEquals("7000ms", fromFile.getValue(path + ".split-brain-resolver.stable-after").unwrapped());
  }

  @Test
  void theBudgetIsWrittenAsItResolvesNotAsConfigured() {
    String path = ClusterWideSettings.PATH + ".budget.enabled";
    assertFalse(written(with("")).getBoolean(path), "auto, alone");
    assertTrue(written(with(SEEDS)).getBoolean(path), "auto, joining others");
    assertTrue(written(with("sluice.cluster.budget.enabled = on")).getBoolean(path));
    assertFalse(written(with(SEEDS + ", sluice.cluster.budget.enabled = off")).getBoolean(path));
  }

  @Test
  void theQuorumAndTheLoneOldestRuleAreWrittenOnlyUnderTheirStrategies() {
    String resolver = ClusterWideSettings.PATH + ".split-brain-resolver.";
    Config majority = written(with("sluice.cluster.split-brain-resolver.static-quorum.quorum-size = 2"));
    assertFalse(majority.hasPath(resolver + "quorum-size"));
    assertFalse(majority.hasPath(resolver + "down-if-alone"));
    Config quorum = written(with("sluice.cluster.split-brain-resolver { active-strategy = static-quorum,"
        + " static-quorum.quorum-size = 2 }"));
    assertEquals(2, quorum.getInt(resolver + "quorum-size"));
    assertFalse(quorum.hasPath(resolver + "down-if-alone"));
    Config oldest = written(with("sluice.cluster.split-brain-resolver { active-strategy = keep-oldest,"
        + " keep-oldest.down-if-alone = off }"));
    assertFalse(oldest.getBoolean(resolver + "down-if-alone"));
    assertFalse(oldest.hasPath(resolver + "quorum-size"));
  }

  @Test
  void theDatabaseIsComparedWithoutParametersOrCredentials() {
    assertEquals("jdbc:postgresql://db:5432/sluice",
        location("jdbc:postgresql://db:5432/sluice?user=sluice&password=secret&sslmode=require"));
    assertEquals("jdbc:postgresql://db:5432/sluice", location("jdbc:postgresql://sluice:secret@db:5432/sluice"));
    assertEquals("jdbc:h2:tcp://db/~/sluice", location("jdbc:h2:tcp://db/~/sluice;USER=sa;PASSWORD=secret"));
    assertEquals("jdbc:h2:file:./data/sluice", location("jdbc:h2:file:./data/sluice;DB_CLOSE_ON_EXIT=FALSE"));

    Config written = written(with("sluice.database { url = \"jdbc:postgresql://db/sluice?password=secret\","
        + " user = \"operator\", password = \"hunter2\" }"));
    String rendered = written.root().render(ConfigRenderOptions.concise());
    for (String secret : new String[] {"secret", "operator", "hunter2"}) {
      assertFalse(rendered.contains(secret), secret + " in " + rendered);
    }
  }

  private static String location(String url) {
    return new DatabaseSettings(url, "", "", 20, false).location();
  }
}
