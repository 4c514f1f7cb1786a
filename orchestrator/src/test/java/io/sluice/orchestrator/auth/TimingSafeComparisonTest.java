package io.sluice.orchestrator.auth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets are compared only as digests with {@link MessageDigest#isEqual}, never with an early-exit equality that
 * would let response timing reveal how much of a guess was right. A timing difference of nanoseconds cannot be
 * measured reliably in a unit test, so this checks the code instead: who calls what.
 */
class TimingSafeComparisonTest {
  private static JavaClasses auth;

  /** Both secret checks, the workspace key's and the admin key's, go through the constant-time comparison. */
  static final ArchRule SECRETS_ARE_COMPARED_IN_CONSTANT_TIME = classes()
      .that().haveSimpleName("ApiKeyFormat").or().haveSimpleName("ApiKeyAuthentication")
      .should().callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class)
      .allowEmptyShould(false);

  /** No code of the package compares strings or byte arrays with an early-exit equality. */
  static final ArchRule NO_EARLY_EXIT_EQUALITY = noClasses()
      .that().resideInAPackage("io.sluice.orchestrator.auth..")
      .should().callMethod(String.class, "equals", Object.class)
      .orShould().callMethod(String.class, "contentEquals", CharSequence.class)
      .orShould().callMethod(Arrays.class, "equals", byte[].class, byte[].class)
      .allowEmptyShould(false);

  @BeforeAll
  static void importAuth() {
    auth = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.sluice.orchestrator.auth");
    assertTrue(auth.contain(ApiKeyFormat.class.getName()));
  }

  @Test
  void secretsAreComparedAsDigestsInConstantTime() {
    SECRETS_ARE_COMPARED_IN_CONSTANT_TIME.check(auth);
  }

  @Test
  void noEarlyExitEqualityIsUsed() {
    NO_EARLY_EXIT_EQUALITY.check(auth);
  }

  @Test
  void theRulesCatchAnEarlyExitComparison() {
    JavaClasses offender = new ClassFileImporter().importClasses(NaiveCheck.class);
    assertTrue(NO_EARLY_EXIT_EQUALITY.evaluate(offender).hasViolation());
  }

  /** What the rule forbids: a secret compared with {@code String.equals}. */
  static final class NaiveCheck {
    boolean admin(String presented, String adminKey) {
      return presented.equals(adminKey);
    }
  }
}
