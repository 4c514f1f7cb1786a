package io.sluice.orchestrator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lint rule the raw-pool incidents asked for: nothing but the persistence module can reach a DataSource or
 * HikariCP, and no actor touches {@code java.sql}: JDBC work is a {@code JdbcWork} built in persistence and run by
 * the database facade.
 */
class ArchitectureTest {
  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.sluice");
    // The rules below must see every module, or they would pass by looking at nothing.
    for (String name : new String[] {"io.sluice.orchestrator.pool.PoolSupervisor",
        "io.sluice.orchestrator.database.Database", "io.sluice.persistence.HikariGovernedPool",
        "io.sluice.config.SluiceSettings", "io.sluice.protocols.permit.Acquire"}) {
      assertTrue(production.contain(name), name + " was not imported");
    }
  }

  @Test
  void onlyPersistenceReachesADataSourceOrHikari() {
    noClasses().that().resideOutsideOfPackage("io.sluice.persistence..")
        .should().dependOnClassesThat().resideInAnyPackage("javax.sql..", "com.zaxxer.hikari..")
        .because("the permit API is the only door to a connection")
        .check(production);
  }

  @Test
  void noActorTouchesJdbcOutsideTheFacade() {
    noClasses().that().resideInAPackage("io.sluice.orchestrator..")
        .and().resideOutsideOfPackage("io.sluice.orchestrator.database..")
        .should().dependOnClassesThat().resideInAPackage("java.sql..")
        .because("JDBC runs only through the Database facade, which releases the permit on every path")
        .check(production);
  }

  @Test
  void protocolsAndConfigStartNothing() {
    noClasses().that().resideInAnyPackage("io.sluice.protocols..", "io.sluice.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.sluice.persistence..", "io.sluice.orchestrator..",
            "com.zaxxer.hikari..", "java.sql..", "javax.sql..")
        .check(production);
  }

  @Test
  void theRulesCatchAViolation() {
    JavaClasses offender = new ClassFileImporter().importClasses(RawPoolUser.class);
    var rule = noClasses().that().resideOutsideOfPackage("io.sluice.persistence..")
        .should().dependOnClassesThat().resideInAnyPackage("javax.sql..", "com.zaxxer.hikari..");
    assertTrue(rule.evaluate(offender).hasViolation(), "a class using a raw DataSource is reported");
  }

  /** What the rule forbids: application code holding the raw pool. */
  static final class RawPoolUser {
    javax.sql.DataSource pool;
  }
}
