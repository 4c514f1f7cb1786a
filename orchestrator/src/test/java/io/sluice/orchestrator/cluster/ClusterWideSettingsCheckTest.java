package io.sluice.orchestrator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.ConfigValidation;
import akka.cluster.Invalid;
import akka.cluster.Valid;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.sluice.config.ClusterBudgetSettings;
import io.sluice.config.ClusterWideSettings;
import io.sluice.config.SluiceSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The join check alone, on configurations as a node's actor system has them: what a joining node sends (its required
 * keys, without Akka's sensitive paths, through Akka's wire format) against the member's own. Equal settings pass,
 * whatever their source; each shared setting that differs is refused with a message naming it and both values.
 */
class ClusterWideSettingsCheckTest {
  private static final String BASE = "sluice.cluster.seed-nodes = [\"127.0.0.1:25520\"],"
      + " sluice.database.url = \"jdbc:postgresql://db:5432/sluice\", sluice.database.max-connections = 30";
  private final ClusterWideSettingsCheck check = new ClusterWideSettingsCheck();

  /** A node's actor-system configuration with {@code overrides}, as {@link ClusterNode#create} lays it. */
  private static Config node(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseString(BASE))
        .withFallback(ConfigFactory.load()).resolve();
    SluiceSettings settings = SluiceSettings.from(config);
    return ClusterWideSettings.of(settings, ClusterBudgetSettings.from(config, settings.dbPool(), settings.cluster()))
        .akkaConfig().withFallback(settings.cluster().akkaConfig()).withFallback(config);
  }

  /**
   * What a node sends with its join request: the values of the required keys outside Akka's sensitive paths, rendered
   * and parsed again as Akka's cluster serializer does.
   */
  private List<String> sentKeys(Config node) {
    List<String> sensitive = sensitivePaths(node);
    return CollectionConverters.asJava(check.requiredKeys()).stream()
        .filter(key -> sensitive.stream().noneMatch(key::startsWith) && node.hasPath(key))
        .toList();
  }

  private Config sent(Config node) {
    Map<String, Object> values = new HashMap<>();
    for (String key : sentKeys(node)) {
      values.put(key, node.getValue(key));
    }
    return ConfigFactory.parseString(ConfigFactory.parseMap(values).root().render(ConfigRenderOptions.concise()));
  }

  private static List<String> sensitivePaths(Config config) {
    Config paths = config.getConfig("akka.cluster.configuration-compatibility-check.sensitive-config-paths");
    return paths.root().keySet().stream().flatMap(group -> paths.getStringList(group).stream()).toList();
  }

  private ConfigValidation joining(String joiner, String member) {
    return check.check(sent(node(joiner)), node(member));
  }

  private static List<String> problems(ConfigValidation validation) {
    assertTrue(validation instanceof Invalid, "expected a refusal, got " + validation);
    return CollectionConverters.asJava(((Invalid) validation).errorMessages());
  }

  @Test
  void theSameSettingsPassWhateverTheirSource() {
    assertEquals(Valid.getInstance(), joining("", ""));
    assertEquals(Valid.getInstance(), joining("sluice.database.max-connections = \"30\","
            + " sluice.database.url = \"jdbc:postgresql://db:5432/sluice?user=a&password=b\","
            + " sluice.cluster.budget { enabled = \"on\", removal-margin = 3000ms, join-reserve = \"yes\" },"
            + " sluice.cluster.split-brain-resolver.stable-after = \"20 s\","
            + " sluice.pools.db { max-size = 8, limit = 8 }, sluice.cluster.budget.min-share = 3",
        ""));
  }

  @Test
  void eachSharedSettingThatDiffersIsRefusedNamingItAndBothValues() {
    Map<String, String> differing = new java.util.LinkedHashMap<>();
    differing.put("sluice.database.url = \"jdbc:postgresql://other:5432/sluice\"",
        "sluice.database.url (without its parameters) must be the same on every node: the other node has"
            + " jdbc:postgresql://other:5432/sluice, this node has jdbc:postgresql://db:5432/sluice");
    differing.put("sluice.database.max-connections = 20",
        "sluice.database.max-connections must be the same on every node: the other node has 20, this node has 30");
    differing.put("sluice.cluster.budget.enabled = off",
        "sluice.cluster.budget.enabled (resolved: auto is on for a node that joins others) must be the same on every"
            + " node: the other node has false, this node has true");
    differing.put("sluice.cluster.budget.headroom = 5",
        "sluice.cluster.budget.headroom must be the same on every node: the other node has 5, this node has 2");
    differing.put("sluice.cluster.budget.join-reserve = off",
        "sluice.cluster.budget.join-reserve must be the same on every node: the other node has false, this node has"
            + " true");
    differing.put("sluice.cluster.budget.removal-margin = 5s",
        "sluice.cluster.budget.removal-margin must be the same on every node: the other node has 5000ms, this node"
            + " has 3000ms");
    differing.put("sluice.cluster.split-brain-resolver.stable-after = 7s",
        "sluice.cluster.split-brain-resolver.stable-after must be the same on every node: the other node has 7000ms,"
            + " this node has 20000ms");
    differing.forEach((setting, problem) ->
        assertEquals(List.of(problem), problems(joining(setting, "")), setting));
    assertEquals(ClusterWideSettings.SHARED.size() - 2, differing.size(), "every value outside the strategies");
  }

  @Test
  void theQuorumAndTheLoneOldestRuleAreComparedUnderTheStrategiesThatUseThem() {
    String quorum = "sluice.cluster.split-brain-resolver { active-strategy = static-quorum,"
        + " static-quorum.quorum-size = ";
    assertEquals(List.of("sluice.cluster.split-brain-resolver.static-quorum.quorum-size must be the same on every"
        + " node: the other node has 1, this node has 2"), problems(joining(quorum + "1 }", quorum + "2 }")));
    String oldest = "sluice.cluster.split-brain-resolver { active-strategy = keep-oldest,"
        + " keep-oldest.down-if-alone = ";
    assertEquals(List.of("sluice.cluster.split-brain-resolver.keep-oldest.down-if-alone must be the same on every"
        + " node: the other node has false, this node has true"), problems(joining(oldest + "off }", oldest + "on }")));
    // Another strategy is Akka's own refusal (akka-cluster compares active-strategy); nothing to add here.
    assertEquals(Valid.getInstance(), joining(quorum + "1 }", ""));
  }

  @Test
  void aNodeThatSendsNoneOfThemIsNotComparedSoThatRollingUpdatesIntoThisCheckWork() {
    assertEquals(Valid.getInstance(), check.check(ConfigFactory.empty(), node("")));
    assertEquals(Valid.getInstance(), check.check(node("sluice.database.max-connections = 20"),
        ConfigFactory.empty()));
  }

  @Test
  void noCredentialIsEverSent() {
    Config node = node("sluice.database { url = \"jdbc:postgresql://db:5432/sluice?user=u1&password=pw1\","
        + " user = \"operator\", password = \"hunter2\" }, sluice.http.admin-key = \"admin-key-0123456789-0123456789\","
        + " sluice.provider.api-key = \"provider-key\", sluice.email.smtp.password = \"smtp-password\"");
    List<String> sensitive = sensitivePaths(node);
    for (String secret : List.of("sluice.database.url", "sluice.database.user", "sluice.database.password",
        "sluice.http.admin-key", "sluice.provider.api-key", "sluice.provider.webhook-secret",
        "sluice.email.smtp.password", "sluice.serverless.tick-token")) {
      assertTrue(sensitive.contains(secret), secret + " is not among Akka's sensitive paths: " + sensitive);
    }
    String sent = sent(node).root().render(ConfigRenderOptions.concise());
    assertEquals(ClusterWideSettings.SHARED.size() - 2, sentKeys(node).size(), sent);
    for (String secret : List.of("pw1", "u1", "operator", "hunter2", "admin-key-0123456789", "provider-key",
        "smtp-password")) {
      assertFalse(sent.contains(secret), secret + " is sent: " + sent);
    }
  }

  @Test
  void akkaRunsTheCheckAndEnforcesItOnJoin() throws Exception {
    Config config = ConfigFactory.load();
    String section = "akka.cluster.configuration-compatibility-check.";
    assertTrue(config.getBoolean(section + "enforce-on-join"));
    assertEquals(ClusterWideSettingsCheck.class.getName(), config.getString(section + "checkers.sluice"));
    // Akka creates every checker by its no-argument constructor.
    assertTrue(ClusterWideSettingsCheck.class.getConstructor().newInstance() instanceof ClusterWideSettingsCheck);
  }
}
